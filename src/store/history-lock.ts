import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from './store-error.js';

/** The file in the data directory that names the process holding the history database open. */
export const historyLockFileName = 'history.lock';

/** Linux's id of the current boot; a lock written in another boot is stale whatever its pid. */
const bootIdFile = '/proc/sys/kernel/random/boot_id';

interface LockContent {
  pid: number;
  bootId: string | null;
}

/** Returns the pid of the live process that has the lock, or null when the lock is free or stale. */
export async function readLockHolder(dataDir: string): Promise<number | null> {
  let content: LockContent;
  try {
    content = JSON.parse(await readFile(path.join(dataDir, historyLockFileName), 'utf8')) as LockContent;
  } catch {
    // A missing or unreadable lock file holds nothing; a half-written one comes from a crash.
    return null;
  }
  if (!Number.isInteger(content.pid) || content.pid <= 0) return null;
  const bootId = await readBootId();
  if (bootId !== null && content.bootId !== bootId) return null;
  return isAlive(content.pid) ? content.pid : null;
}

/**
 * Writes the lock for this process, or throws STORAGE_LOCKED when another live process holds it.
 * The pid and the boot id together tell a stale lock (left by `kill -9` or a power cut) from a live
 * one, because after a reboot the same pid often belongs to another program.
 */
export async function acquireHistoryLock(dataDir: string): Promise<void> {
  const holder = await readLockHolder(dataDir);
  if (holder !== null && holder !== process.pid) {
    throw new StoreError('STORAGE_LOCKED', `The history database in ${dataDir} is in use by process ${holder} (another hub). Stop it first.`, {
      context: { dataDir, pid: holder },
    });
  }
  const content: LockContent = { pid: process.pid, bootId: await readBootId() };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dataDir, historyLockFileName), `${JSON.stringify(content)}\n`, { mode: 0o600 });
}

/** Removes this process's lock; a lock of another process stays. */
export async function releaseHistoryLock(dataDir: string): Promise<void> {
  const holder = await readLockHolder(dataDir);
  if (holder === null || holder === process.pid) await rm(path.join(dataDir, historyLockFileName), { force: true });
}

async function readBootId(): Promise<string | null> {
  try {
    return (await readFile(bootIdFile, 'utf8')).trim();
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
