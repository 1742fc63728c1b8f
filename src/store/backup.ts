import { copyFile, mkdir, open, rm, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { fileTimestamp, historyFileName, moveDatabaseFiles } from './database-files.js';
import { readSchemaVersion } from './migrate.js';
import { historyMigrations } from './migrations.js';
import { StoreError } from './store-error.js';

export interface BackupResult {
  file: string;
  bytes: number;
}

/**
 * Copies a live database to `targetFile` with SQLite's online backup, which gives a consistent
 * snapshot while the writer keeps committing. The copy goes to a temporary file first, is switched
 * to rollback-journal mode so it is one self-contained file, passes `quick_check`, and only then
 * replaces `targetFile`.
 */
export async function backupDatabase(db: Database, targetFile: string): Promise<BackupResult> {
  const temporary = `${targetFile}.tmp-${process.pid}`;
  try {
    await db.backup(temporary);
    const copy = new BetterSqlite3(temporary);
    try {
      copy.pragma('journal_mode = DELETE');
      checkIntegrity(copy, temporary);
    } finally {
      copy.close();
    }
    await syncFile(temporary);
    await rename(temporary, targetFile);
    return { file: targetFile, bytes: (await stat(targetFile)).size };
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORAGE_BACKUP_FAILED', `Backing up ${db.name} to ${targetFile} failed: ${String(error)}`, {
      cause: error,
      context: { file: db.name, target: targetFile },
    });
  }
}

export interface RestoreResult {
  file: string;
  /** New path of the replaced database, or null when there was none. */
  replacedMovedTo: string | null;
}

/**
 * Replaces `<dataDir>/history.sqlite` with a copy of `backupFile` after checking that the copy is
 * a database that passes `quick_check` and has a schema version this Gatehouse can read. The current
 * file and its -wal and -shm move to `history.sqlite.replaced-<time>`, because a stale -wal next to
 * the restored file would be replayed into it. Close every connection to the database first.
 */
export async function restoreDatabase(backupFile: string, dataDir: string, now: () => Date = () => new Date()): Promise<RestoreResult> {
  const file = path.join(dataDir, historyFileName);
  const temporary = `${file}.restore-${process.pid}`;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    await copyFile(backupFile, temporary);
    checkBackupFile(temporary, backupFile);
    await syncFile(temporary);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORAGE_BACKUP_INVALID', `The backup ${backupFile} cannot be restored: ${String(error)}`, { cause: error, context: { file: backupFile } });
  }

  let replacedMovedTo: string | null = `${file}.replaced-${fileTimestamp(now())}`;
  try {
    await moveDatabaseFiles(file, replacedMovedTo);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    replacedMovedTo = null;
  }
  await rename(temporary, file);
  return { file, replacedMovedTo };
}

function checkBackupFile(copyFile: string, backupFile: string): void {
  let copy: Database;
  try {
    copy = new BetterSqlite3(copyFile, { fileMustExist: true });
  } catch (error) {
    throw new StoreError('STORAGE_BACKUP_INVALID', `The backup ${backupFile} cannot be opened: ${String(error)}`, { cause: error, context: { file: backupFile } });
  }
  try {
    checkIntegrity(copy, backupFile);
    const version = readSchemaVersion(copy);
    if (version < 1 || version > historyMigrations.length) {
      throw new StoreError(
        'STORAGE_BACKUP_INVALID',
        `The backup ${backupFile} has schema version ${version}, but this Gatehouse reads versions 1 to ${historyMigrations.length}.`,
        { context: { file: backupFile, version } },
      );
    }
  } finally {
    copy.close();
  }
}

function checkIntegrity(db: Database, shownName: string): void {
  let result: string;
  try {
    result = (db.pragma('quick_check', { simple: false }) as { quick_check: string }[]).map((row) => row.quick_check).join('; ');
  } catch (error) {
    throw new StoreError('STORAGE_BACKUP_INVALID', `${shownName} is not a readable database: ${String(error)}`, { cause: error, context: { file: shownName } });
  }
  if (result !== 'ok') {
    throw new StoreError('STORAGE_BACKUP_INVALID', `${shownName} failed quick_check: ${result.slice(0, 500)}`, { context: { file: shownName } });
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
