import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations.js';
import { historyMigrations } from './migrations.js';
import { StoreError } from './store-error.js';

export interface MigrationResult {
  fromVersion: number;
  toVersion: number;
}

/** Reads `PRAGMA user_version`, the schema version the migrations last set. */
export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every step newer than the file's `user_version`, each in its own transaction, so a failed
 * step leaves the file at the previous version. Throws STORAGE_SCHEMA_TOO_NEW for a file written by
 * a newer Gatehouse, because this code cannot know what that schema means.
 */
export function migrate(db: Database, migrations: readonly Migration[] = historyMigrations): MigrationResult {
  checkMigrationList(migrations);
  const known = migrations.length;
  const fromVersion = readSchemaVersion(db);
  if (fromVersion > known) {
    throw new StoreError(
      'STORAGE_SCHEMA_TOO_NEW',
      `The history database ${db.name} has schema version ${fromVersion}, but this Gatehouse knows versions up to ${known}. ` +
        'Upgrade Gatehouse, or restore a backup made by this version.',
      { context: { file: db.name, version: fromVersion, knownVersion: known } },
    );
  }

  for (const step of migrations.slice(fromVersion)) {
    const apply = db.transaction(() => {
      db.exec(step.sql);
      // PRAGMA takes no bound parameters; the version is an integer checked by checkMigrationList.
      db.pragma(`user_version = ${step.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw new StoreError(
        'STORAGE_MIGRATION_FAILED',
        `Migrating ${db.name} to schema version ${step.version} (${step.description}) failed, so the file stays at version ${step.version - 1}.`,
        { cause: error, context: { file: db.name, version: step.version } },
      );
    }
  }
  return { fromVersion, toVersion: Math.max(fromVersion, known) };
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`Migration steps must be numbered 1, 2, 3…, but step ${index + 1} has version ${step.version}.`);
    }
  });
}
