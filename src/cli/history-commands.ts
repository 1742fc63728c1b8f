import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Command, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { acquireHistoryLock, releaseHistoryLock } from '../store/history-lock.js';
import { backupDatabase, historyFileName, restoreDatabase, StoreError } from '../store/index.js';
import { fileTimestamp } from '../store/database-files.js';

/** `gatehouse backup` and `gatehouse restore`: copy the history database out and back. */
export function registerHistoryCommands(program: Command, configOption: Option): void {
  program
    .command('backup')
    .description('copy the history database to a file, consistently, while the hub may be running (SQLite online backup)')
    .addOption(configOption)
    .option('-o, --output <file>', 'file to write (default: <dataDir>/backups/history-<UTC time>.sqlite)')
    .action(async (options: { config?: string; output?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const result = await backupHistory(dataDir, options.output);
      process.stdout.write(`Backup of ${path.join(dataDir, historyFileName)} written to ${result.file} (${result.bytes} bytes).\n`);
    });

  program
    .command('restore')
    .description('replace the history database with a backup file; stop the hub first (the current file is kept as history.sqlite.replaced-<time>)')
    .addOption(configOption)
    .argument('<file>', 'backup file made by `gatehouse backup`')
    .action(async (file: string, options: { config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const result = await restoreHistory(dataDir, file);
      const previous = result.replacedMovedTo === null ? 'There was no database before.' : `The previous database was moved to ${result.replacedMovedTo}.`;
      process.stdout.write(`Restored ${path.resolve(file)} to ${result.file}. ${previous}\n`);
    });
}

/** Backs up `<dataDir>/history.sqlite` through a read-only connection; the running hub keeps writing meanwhile. */
export async function backupHistory(dataDir: string, output: string | undefined): Promise<{ file: string; bytes: number }> {
  const source = path.join(dataDir, historyFileName);
  if (!existsSync(source)) {
    throw new StoreError('STORAGE_OPEN_FAILED', `There is no history database at ${source}: check dataDir in the config, or start the hub once to create it.`, {
      context: { file: source },
    });
  }
  let target: string;
  if (output === undefined) {
    const folder = path.join(dataDir, 'backups');
    await mkdir(folder, { recursive: true, mode: 0o700 });
    target = path.join(folder, `history-${fileTimestamp(new Date())}.sqlite`);
  } else {
    target = path.resolve(output);
  }

  let db;
  try {
    db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError('STORAGE_OPEN_FAILED', `Opening the history database ${source} failed: ${String(error)}`, { cause: error, context: { file: source } });
  }
  try {
    return await backupDatabase(db, target);
  } finally {
    db.close();
  }
}

/**
 * Restores a backup while holding the history lock, so a hub that starts meanwhile stops with
 * STORAGE_LOCKED instead of opening a file that is being replaced. A running hub makes it fail the same way.
 */
export async function restoreHistory(dataDir: string, backupFile: string): Promise<{ file: string; replacedMovedTo: string | null }> {
  if (!existsSync(backupFile)) {
    throw new StoreError('STORAGE_BACKUP_INVALID', `The backup file ${backupFile} does not exist.`, { context: { file: backupFile } });
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await acquireHistoryLock(dataDir);
  try {
    return await restoreDatabase(backupFile, dataDir);
  } finally {
    await releaseHistoryLock(dataDir);
  }
}
