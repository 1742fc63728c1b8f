import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { backupDatabase, restoreDatabase } from '../../src/store/backup.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { StoreError } from '../../src/store/store-error.js';
import { countRows, makeTempDir, numeric } from './helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const fixedNow = (): Date => new Date('2026-01-02T03:04:05.678Z');

function isInvalidBackup(error: unknown): boolean {
  assert.ok(error instanceof StoreError);
  assert.equal(error.code, 'STORAGE_BACKUP_INVALID');
  return true;
}

void describe('backupDatabase', () => {
  void test('copies while writes go on', async (t) => {
    const dir = await makeTempDir(t);
    const { db } = await openHistoryDatabase(path.join(dir, 'data'));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 5, maxBatch: 200 });
    for (let i = 0; i < 20_000; i += 1) writer.append(1 + (i % 30), [numeric('temperature', i)], t0 + i);
    writer.flush();
    const before = countRows(db, 'reading');

    // Keep committing from a timer while the backup copies pages between event loop turns.
    let next = 20_000;
    const feeder = setInterval(() => {
      for (let i = 0; i < 100; i += 1, next += 1) writer.append(1, [numeric('seq', next)], t0 + next);
    }, 1);
    const target = path.join(dir, 'backup.sqlite');
    try {
      const result = await backupDatabase(db, target);
      assert.equal(result.file, target);
      assert.equal(result.bytes, (await stat(target)).size);
    } finally {
      clearInterval(feeder);
      writer.close();
    }

    const copy = new BetterSqlite3(target, { readonly: true });
    t.after(() => copy.close());
    assert.equal(copy.pragma('quick_check', { simple: true }), 'ok');
    assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
    assert.ok(countRows(copy, 'reading') >= before);
    assert.ok(countRows(copy, 'reading') <= countRows(db, 'reading'));
    assert.deepEqual(await readdir(dir), ['backup.sqlite', 'data']);
  });
});

void describe('restoreDatabase', () => {
  void test('replaces the current file', async (t) => {
    const dir = await makeTempDir(t);
    const dataDir = path.join(dir, 'data');
    const first = await openHistoryDatabase(dataDir);
    const writer = new ReadingWriter(first.db);
    writer.append(2, [numeric('temperature', 19)], t0);
    writer.close();
    await backupDatabase(first.db, path.join(dir, 'backup.sqlite'));
    const later = new ReadingWriter(first.db);
    later.append(2, [numeric('temperature', 20)], t0 + 1);
    later.close();
    first.db.close();

    const result = await restoreDatabase(path.join(dir, 'backup.sqlite'), dataDir, fixedNow);
    assert.equal(result.file, path.join(dataDir, 'history.sqlite'));
    assert.equal(result.replacedMovedTo, path.join(dataDir, 'history.sqlite.replaced-2026-01-02T03-04-05-678Z'));

    const reopened = await openHistoryDatabase(dataDir);
    t.after(() => reopened.db.close());
    assert.equal(reopened.recovered, null);
    assert.equal(countRows(reopened.db, 'reading'), 1);
  });

  void test('restores into a new folder', async (t) => {
    const dir = await makeTempDir(t);
    const source = await openHistoryDatabase(path.join(dir, 'a'));
    const writer = new ReadingWriter(source.db);
    writer.append(8, [numeric('temperature', 18)], t0);
    writer.close();
    await backupDatabase(source.db, path.join(dir, 'backup.sqlite'));
    source.db.close();

    const result = await restoreDatabase(path.join(dir, 'backup.sqlite'), path.join(dir, 'b'));
    assert.equal(result.replacedMovedTo, null);
    const restored = await openHistoryDatabase(path.join(dir, 'b'));
    t.after(() => restored.db.close());
    assert.equal(countRows(restored.db, 'reading'), 1);
  });

  void test('rejects random bytes', async (t) => {
    const dir = await makeTempDir(t);
    const dataDir = path.join(dir, 'data');
    await openHistoryDatabase(dataDir).then(({ db }) => db.close());
    const before = (await stat(path.join(dataDir, 'history.sqlite'))).ino;
    await writeFile(path.join(dir, 'junk.sqlite'), randomBytes(8192));

    await assert.rejects(restoreDatabase(path.join(dir, 'junk.sqlite'), dataDir), isInvalidBackup);
    assert.equal((await stat(path.join(dataDir, 'history.sqlite'))).ino, before);
    assert.deepEqual(await readdir(dataDir), ['history.sqlite']);
  });

  void test('rejects an unknown schema version', async (t) => {
    const dir = await makeTempDir(t);
    const other = new BetterSqlite3(path.join(dir, 'other.sqlite'));
    other.exec('CREATE TABLE x (a)');
    other.pragma('user_version = 99');
    other.close();

    await assert.rejects(restoreDatabase(path.join(dir, 'other.sqlite'), path.join(dir, 'data')), (error: unknown) => {
      assert.ok(isInvalidBackup(error));
      assert.match((error as Error).message, /schema version 99/);
      return true;
    });
  });
});
