import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, readSchemaVersion } from '../../src/store/migrate.js';
import { historyMigrations, type Migration } from '../../src/store/migrations.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { StoreError } from '../../src/store/store-error.js';
import { makeTempDir } from './helpers.js';

const versionOne: Migration = { version: 1, description: 'notes', sql: 'CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' };
const versionTwo: Migration = { version: 2, description: 'note time', sql: 'ALTER TABLE note ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0' };

void describe('migrate', () => {
  void test('upgrades an old file, keeping rows', async (t) => {
    const file = path.join(await makeTempDir(t), 'old.sqlite');
    const old = new BetterSqlite3(file);
    migrate(old, [versionOne]);
    old.prepare('INSERT INTO note (text) VALUES (?)').run('kept');
    old.close();

    const db = new BetterSqlite3(file);
    t.after(() => db.close());
    const result = migrate(db, [versionOne, versionTwo]);
    assert.deepEqual(result, { fromVersion: 1, toVersion: 2 });
    assert.equal(readSchemaVersion(db), 2);
    assert.deepEqual(db.prepare('SELECT text, time_ms FROM note').all(), [{ text: 'kept', time_ms: 0 }]);
  });

  void test('runs nothing on a current file', async (t) => {
    const db = new BetterSqlite3(path.join(await makeTempDir(t), 'a.sqlite'));
    t.after(() => db.close());
    migrate(db, [versionOne]);
    assert.deepEqual(migrate(db, [versionOne]), { fromVersion: 1, toVersion: 1 });
  });

  void test('rolls back a failing step', async (t) => {
    const db = new BetterSqlite3(path.join(await makeTempDir(t), 'a.sqlite'));
    t.after(() => db.close());
    const broken: Migration = { version: 2, description: 'broken', sql: 'CREATE TABLE half (id INTEGER); CREATE TABLE nonsense (' };

    assert.throws(() => migrate(db, [versionOne, broken]), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'STORAGE_MIGRATION_FAILED');
      assert.match(error.message, /stays at version 1/);
      return true;
    });
    assert.equal(readSchemaVersion(db), 1);
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get(), { n: 0 });
  });

  void test('rejects a newer version', async (t) => {
    const db = new BetterSqlite3(path.join(await makeTempDir(t), 'a.sqlite'));
    t.after(() => db.close());
    db.pragma('user_version = 3');
    assert.throws(() => migrate(db, [versionOne]), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'STORAGE_SCHEMA_TOO_NEW');
      assert.match(error.message, /version 3, but this Gatehouse knows versions up to 1\. Upgrade Gatehouse/);
      return true;
    });
    assert.equal(readSchemaVersion(db), 3);
  });

  void test('rejects a gap in the step list', async (t) => {
    const db = new BetterSqlite3(path.join(await makeTempDir(t), 'a.sqlite'));
    t.after(() => db.close());
    assert.throws(() => migrate(db, [versionTwo]), /step 1 has version 2/);
  });

  void test('builds the history schema', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    assert.deepEqual(tables.map((row) => row.name), ['metric', 'reading', 'rollup_1h', 'rollup_5m', 'state_change', 'state_text']);
    assert.equal(readSchemaVersion(db), historyMigrations.length);
  });
});
