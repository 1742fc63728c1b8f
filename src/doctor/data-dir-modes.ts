import { stat } from 'node:fs/promises';

import { type Finding, finding } from './finding.js';

/** Permission bits of a path, null when it does not exist yet, or `notFile` for a secret path that is a folder or device. */
export type ModeOrMissing = number | null | 'notFile';

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/**
 * Judges the data directory's mode. Only access by others is a warning: an administrator may open the
 * folder to a web server's group on purpose, as for nginx reading the users file.
 */
export function judgeDataDirMode(dataDir: string, mode: ModeOrMissing): Finding {
  const subject = `dataDir ${dataDir} permissions`;
  if (mode === null) {
    return finding('ok', 'data-dir.mode', subject, 'does not exist yet: the first start creates it with mode 0700');
  }
  if (mode === 'notFile') {
    return finding('fail', 'data-dir.mode', subject, 'exists but is not a directory', 'set dataDir to a directory, or move the file away');
  }
  if ((mode & 0o007) !== 0) {
    return finding('warn', 'data-dir.mode', subject, `mode ${octal(mode)} lets every user on this host list it and reach files that are not private`, `run \`chmod 700 ${dataDir}\``);
  }
  return finding('ok', 'data-dir.mode', subject, `mode ${octal(mode)}`);
}

/** Judges a secret file that must be 0600: readable and writable by its owner only. */
export function judgeSecretFileMode(id: string, label: string, file: string, mode: ModeOrMissing): Finding {
  const subject = `${label} ${file} permissions`;
  if (mode === null) {
    return finding('ok', id, subject, 'does not exist yet');
  }
  if (mode === 'notFile') {
    return finding('fail', id, subject, 'is not a regular file', `replace it with the file, or remove it so that it is created again`);
  }
  if ((mode & 0o077) !== 0) {
    return finding('fail', id, subject, `mode ${octal(mode)} lets other users read or change it`, `run \`chmod 600 ${file}\``);
  }
  return finding('ok', id, subject, `mode ${octal(mode)}`);
}

/** Returns the permission bits of a path of the expected kind, null when it is missing, else `notFile`. Other errors propagate. */
export async function modeOf(file: string, kind: 'file' | 'directory'): Promise<ModeOrMissing> {
  try {
    const stats = await stat(file);
    const expected = kind === 'file' ? stats.isFile() : stats.isDirectory();
    return expected ? stats.mode & 0o7777 : 'notFile';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}
