import { rename } from 'node:fs/promises';

/** The history database's file name inside the data directory. */
export const historyFileName = 'history.sqlite';

/** SQLite's companion files in WAL mode: the write-ahead log and the shared-memory index. */
const companionSuffixes = ['-wal', '-shm'] as const;

/** Formats a time for a file name: ISO 8601 in UTC with ':' and '.' replaced, since ':' is awkward in paths. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames a database file and its -wal and -shm files to `target`, `target-wal` and `target-shm`,
 * so SQLite still finds the log when someone opens the moved file to inspect it. Missing companion
 * files are skipped; a missing main file is an error.
 */
export async function moveDatabaseFiles(file: string, target: string): Promise<void> {
  await rename(file, target);
  for (const suffix of companionSuffixes) {
    try {
      await rename(file + suffix, target + suffix);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Tells whether a SQLite error means the file is damaged or is not a database at all. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}
