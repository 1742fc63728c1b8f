import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GatehouseError } from '../errors/index.js';
import { privateFileMode, syncDirectory } from './atomic-write.js';
import { proxySecretFilePath } from './data-dir.js';

/** Random bytes in a new proxy secret; the file contains them hex-encoded, so 64 characters. */
export const proxySecretBytes = 32;

/**
 * Returns the proxy secret that the front sends to the hub, creating `<dataDir>/proxy-secret` on the
 * first call. Safe when several processes start at once: each writes its own candidate to a temporary
 * file and links it into place, which fails for all but the first, so all of them read the same secret.
 * Throws AUTH_FILE_UNSAFE when the file is readable by group or others, or contains fewer than 64 hex
 * characters.
 */
export async function loadOrCreateProxySecret(dataDir: string): Promise<string> {
  const file = proxySecretFilePath(dataDir);
  const existing = await readProxySecret(file);
  if (existing !== null) {
    return existing;
  }
  await createProxySecret(file);
  const created = await readProxySecret(file);
  if (created === null) {
    throw new GatehouseError('AUTH_FILE_UNSAFE', `proxy secret file ${file} disappeared right after it was created; check what deletes files in ${dataDir}`, {
      context: { file },
    });
  }
  return created;
}

/**
 * Compares two secrets in constant time, whatever their lengths: both sides are hashed with SHA-256
 * first, so the comparison always covers 32 bytes and reveals neither the length nor a common prefix.
 */
export function secretsEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

async function createProxySecret(file: string): Promise<void> {
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  // The secret is complete and on disk before link() makes it visible, so no reader sees a partial file.
  const handle = await open(temporary, 'wx', privateFileMode);
  try {
    try {
      await handle.writeFile(`${randomBytes(proxySecretBytes).toString('hex')}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link() fails with EEXIST when the file exists, like open() with the 'wx' flag, but it publishes
    // a file whose content is already written.
    await link(temporary, file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await syncDirectory(directory);
}

/** Reads and checks the secret file; returns null when it does not exist. */
async function readProxySecret(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw unsafe(file, 'is not a regular file');
    }
    const mode = stats.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw unsafe(file, `has mode ${mode.toString(8).padStart(4, '0')}, which lets other users read it; run "chmod 600 ${file}"`);
    }
    const secret = (await handle.readFile('utf8')).trim();
    if (!/^[0-9a-fA-F]*$/.test(secret)) {
      throw unsafe(file, 'contains characters other than hexadecimal digits; delete it and a new secret is made at the next start');
    }
    if (secret.length < proxySecretBytes * 2) {
      throw unsafe(
        file,
        `contains ${secret.length} hex characters, fewer than the ${proxySecretBytes * 2} (${proxySecretBytes} random bytes) required; ` +
          'delete it and a new secret is made at the next start',
      );
    }
    return secret;
  } finally {
    await handle.close();
  }
}

function unsafe(file: string, problem: string): GatehouseError {
  return new GatehouseError('AUTH_FILE_UNSAFE', `proxy secret file ${file} ${problem}`, { context: { file } });
}
