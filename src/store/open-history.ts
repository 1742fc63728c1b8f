import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { fileTimestamp, historyFileName, isCorruptionError, moveDatabaseFiles } from './database-files.js';
import { migrate, type MigrationResult } from './migrate.js';
import type { Migration } from './migrations.js';
import { historyMigrations } from './migrations.js';
import { StoreError } from './store-error.js';

export interface OpenHistoryOptions {
  /** How long a statement waits for a lock held by another connection before SQLITE_BUSY, in ms. */
  busyTimeoutMs?: number;
  /** The schema steps; tests pass their own list. */
  migrations?: readonly Migration[];
  /** The clock for the name of a file moved aside. */
  now?: () => Date;
}

/** A damaged file that was renamed aside before a fresh database was created in its place. */
export interface RecoveredFile {
  movedTo: string;
  reason: string;
}

export interface OpenHistoryResult {
  db: Database;
  file: string;
  migration: MigrationResult;
  /** Set when the old file failed the integrity check; the caller should log it and alert. */
  recovered: RecoveredFile | null;
}

const defaultBusyTimeoutMs = 5000;

/**
 * Opens `<dataDir>/history.sqlite`, creating the folder and the file when missing, checks it with
 * `PRAGMA quick_check`, and migrates it. A file that is not a database or fails the check is renamed
 * to `history.sqlite.corrupt-<time>` (with its -wal and -shm) and a fresh database takes its place.
 * Other failures (permissions, a full disk, a schema that is too new) throw a StoreError and leave
 * the file alone.
 */
export async function openHistoryDatabase(dataDir: string, options: OpenHistoryOptions = {}): Promise<OpenHistoryResult> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, historyFileName);
  const now = options.now ?? (() => new Date());

  let recovered: RecoveredFile | null = null;
  let db: Database;
  try {
    db = openAndCheck(file, options);
  } catch (error) {
    if (!(error instanceof DamagedFileError)) throw error;
    // NOTE: SQLite may already have replayed or deleted a -wal file while opening the damaged file,
    // so the copy moved aside is what SQLite saw, not always the exact bytes found on disk.
    const movedTo = `${file}.corrupt-${fileTimestamp(now())}`;
    await moveDatabaseFiles(file, movedTo);
    recovered = { movedTo, reason: error.message };
    db = openAndCheck(file, options);
  }

  try {
    const migration = migrate(db, options.migrations ?? historyMigrations);
    return { db, file, migration, recovered };
  } catch (error) {
    db.close();
    throw error;
  }
}

class DamagedFileError extends Error {}

function openAndCheck(file: string, options: OpenHistoryOptions): Database {
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (error) {
    throw new StoreError('STORAGE_OPEN_FAILED', `Opening the history database ${file} failed: ${String(error)}`, { cause: error, context: { file } });
  }

  try {
    // quick_check reads every page but skips the index-to-table cross checks of integrity_check,
    // so it stays fast on a Pi. A file that is not a database fails here with SQLITE_NOTADB.
    const problems = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    const first = problems[0]?.quick_check;
    if (first !== 'ok') {
      throw new DamagedFileError(`quick_check reported: ${problems.slice(0, 5).map((row) => row.quick_check).join('; ')}`);
    }
    applyPragmas(db, options.busyTimeoutMs ?? defaultBusyTimeoutMs);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DamagedFileError) throw error;
    if (isCorruptionError(error)) throw new DamagedFileError(`${(error as Error).message} (${(error as { code: string }).code})`);
    throw new StoreError('STORAGE_OPEN_FAILED', `Opening the history database ${file} failed: ${String(error)}`, { cause: error, context: { file } });
  }
}

function applyPragmas(db: Database, busyTimeoutMs: number): void {
  // WAL lets readers (backups, queries) run while the writer commits, and appends to one log file
  // instead of rewriting pages in place, which suits an SD card.
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  if (mode !== 'wal') throw new StoreError('STORAGE_OPEN_FAILED', `${db.name} could not switch to WAL mode (journal_mode is ${mode}).`);

  // With synchronous=NORMAL in WAL mode, a commit does not wait for fsync; the log is synced at each
  // checkpoint. A process crash loses nothing that was committed, but a power cut or kernel crash
  // can lose the transactions committed since the last checkpoint (by default up to about 1000
  // pages, usually a few seconds of readings). The file itself stays consistent either way.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  // Truncate the log back to 16 MiB after a checkpoint so one burst does not keep a large file.
  db.pragma('journal_size_limit = 16777216');
}
