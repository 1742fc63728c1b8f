import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GatehouseError } from '../errors/index.js';

/** Mode for files that hold password hashes or secrets: owner read and write only. */
export const privateFileMode = 0o600;

/**
 * Replaces `file` with `content` so that readers see either the old or the new file, never a part.
 * The content goes to a temporary file in the same directory, which is flushed to disk and renamed
 * over `file`. Then the directory is flushed too, so the rename survives a power cut.
 *
 * The new file gets mode 0600. When `file` already exists with the group read bit set, the new file
 * keeps that bit (0640): nginx reads htpasswd files as its worker user, so an administrator who ran
 * `chgrp www-data users.htpasswd; chmod 640 users.htpasswd` keeps that access after each edit. No other
 * permission bit is ever carried over. The new file also keeps the old file's owner and group, so that
 * `sudo gatehouse user add` does not leave a root-owned file that the service cannot read. Throws
 * AUTH_FILE_UNSAFE when the process may not set them.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const directory = path.dirname(file);
  const existing = await statIfExists(file);
  const mode = existing !== null && (existing.mode & 0o040) !== 0 ? 0o640 : privateFileMode;
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);

  // 'wx' fails rather than follow or reuse a file that is already at the temporary path.
  const handle = await open(temporary, 'wx', privateFileMode);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      if (existing !== null) {
        await keepOwner(handle, file, existing);
      }
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Flushes a directory's entries (a rename, a new link) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

async function keepOwner(handle: FileHandle, file: string, owner: { uid: number; gid: number }): Promise<void> {
  const created = await handle.stat();
  if (created.uid === owner.uid && created.gid === owner.gid) {
    return;
  }
  try {
    await handle.chown(owner.uid, owner.gid);
  } catch (error) {
    throw new GatehouseError(
      'AUTH_FILE_UNSAFE',
      `cannot give the new ${file} the owner and group of the old one (uid ${owner.uid}, gid ${owner.gid}): ` +
        `${(error as Error).message}; run the command as that user`,
      { cause: error, context: { file } },
    );
  }
}

async function statIfExists(file: string): Promise<{ mode: number; uid: number; gid: number } | null> {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}
