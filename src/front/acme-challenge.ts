import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Path prefix of ACME HTTP-01 challenges (RFC 8555 section 8.3). */
export const acmeChallengePrefix = '/.well-known/acme-challenge/';

/** The CA fetches challenges with GET; HEAD is allowed for checks by hand. */
export const acmeChallengeMethods: readonly string[] = ['GET', 'HEAD'];

/**
 * An ACME token is base64url (RFC 8555 section 8.1), so only these characters can appear. The pattern
 * also keeps out "/", "\", "%" and "..", so a request can never name a file outside the folder.
 */
const tokenPattern = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Largest challenge file served. A key authorization is the token, a dot and a 43-character
 * thumbprint, so real files are a few hundred bytes at most.
 */
export const maxChallengeBytes = 4096;

/** Result of a challenge lookup: the file's text, or why there is none. */
export type ChallengeLookup = { found: true; body: Buffer } | { found: false; reason: string };

/**
 * Returns the token of an ACME challenge request target, ignoring a query, or null when the path is
 * under the prefix but is not a valid token. Returns undefined for targets outside the prefix.
 */
export function challengeTokenOf(target: string): string | null | undefined {
  const pathPart = target.split('?', 1)[0] ?? '';
  if (!pathPart.startsWith(acmeChallengePrefix)) {
    return undefined;
  }
  const token = pathPart.slice(acmeChallengePrefix.length);
  return tokenPattern.test(token) ? token : null;
}

/**
 * Read `<webroot>/.well-known/acme-challenge/<token>`, the file certbot's webroot mode writes. The
 * challenge folder must resolve to that place inside the resolved webroot, and the file must be a
 * regular file that is no symlink, so a link planted there cannot expose other files. The file is
 * opened non-blocking, so a FIFO cannot stall the server.
 */
export async function readChallenge(webroot: string, token: string): Promise<ChallengeLookup> {
  if (!tokenPattern.test(token)) {
    return { found: false, reason: 'invalid token' };
  }

  const folder = path.join(webroot, '.well-known', 'acme-challenge');
  let resolvedFolder: string;
  let expectedFolder: string;
  try {
    resolvedFolder = await realpath(folder);
    expectedFolder = path.join(await realpath(webroot), '.well-known', 'acme-challenge');
  } catch {
    return { found: false, reason: 'no challenge folder' };
  }
  if (resolvedFolder !== expectedFolder) {
    return { found: false, reason: 'the challenge folder is a symlink' };
  }

  let handle;
  try {
    handle = await open(path.join(resolvedFolder, token), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { found: false, reason: code === 'ELOOP' ? 'the challenge file is a symlink' : 'no such challenge file' };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      return { found: false, reason: 'not a regular file' };
    }
    if (stats.size > maxChallengeBytes) {
      return { found: false, reason: `larger than ${maxChallengeBytes} bytes` };
    }
    const buffer = Buffer.alloc(maxChallengeBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // The file may have grown since stat.
    if (bytesRead > maxChallengeBytes) {
      return { found: false, reason: `larger than ${maxChallengeBytes} bytes` };
    }
    return { found: true, body: buffer.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}
