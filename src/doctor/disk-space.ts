import { statfs } from 'node:fs/promises';
import path from 'node:path';

import { type Finding, finding } from './finding.js';

const mebibyte = 1024 * 1024;

/**
 * Free space below which the doctor fails: writes of the users file, tokens and the audit log (which
 * rotates at 5 MiB) start failing soon, and an SD card this full also slows down.
 */
export const failBelowBytes = 100 * mebibyte;

/** Free space below which the doctor warns: an estimate of room for a few weeks of logs and an OS update. */
export const warnBelowBytes = 1024 * mebibyte;

/** Judges the bytes available to this user on the file system of `folder`. */
export function judgeFreeSpace(folder: string, availableBytes: number): Finding {
  const subject = `free disk space for ${folder}`;
  const shown = `${(availableBytes / mebibyte).toFixed(0)} MiB available`;
  const fix = `free space on that file system (\`df -h ${folder}\`, \`sudo journalctl --vacuum-size=100M\`), or move dataDir to a larger one`;
  if (availableBytes < failBelowBytes) {
    return finding('fail', 'disk', subject, `${shown}, below ${failBelowBytes / mebibyte} MiB`, fix);
  }
  if (availableBytes < warnBelowBytes) {
    return finding('warn', 'disk', subject, `${shown}, below ${warnBelowBytes / mebibyte} MiB`, fix);
  }
  return finding('ok', 'disk', subject, shown);
}

/** Measures free space with statfs(2) on dataDir, or on its nearest existing parent before the first start. */
export async function checkFreeSpace(dataDir: string): Promise<Finding> {
  let folder = dataDir;
  for (;;) {
    try {
      const stats = await statfs(folder);
      return judgeFreeSpace(folder, stats.bavail * stats.bsize);
    } catch (error) {
      const parent = path.dirname(folder);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === folder) {
        return finding('warn', 'disk', `free disk space for ${dataDir}`, `cannot measure: ${(error as Error).message}`, 'check dataDir');
      }
      folder = parent;
    }
  }
}
