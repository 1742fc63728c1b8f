import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { moveDatabaseFiles } from '../../src/store/database-files.js';
import { historyMigrations } from '../../src/store/migrations.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { StoreError } from '../../src/store/store-error.js';
import { countRows, makeTempDir, numeric } from './helpers.js';

const fixedNow = (): Date => new Date('2026-01-02T03:04:05.678Z');
const corruptName = 'history.sqlite.corrupt-2026-01-02T03-04-05-678Z';

/** Creates a database with `count` readings and closes it, so the main file contains them all. */
async function writeDatabase(dir: string, count: number): Promise<string> {
  const { db, file } = await openHistoryDatabase(dir);
  const writer = new ReadingWriter(db, { maxBatch: 500 });
  for (let i = 0; i < count; i += 1) writer.append(1 + (i % 50), [numeric('temperature', i / 2)], 1_700_000_000_000 + i);
  writer.close();
  db.close();
  return file;
}

void describe('openHistoryDatabase', () => {
  void test('creates a fresh file', async (t) => {
    const dir = path.join(await makeTempDir(t), 'data');
    const { db, file, migration, recovered } = await openHistoryDatabase(dir);
    t.after(() => db.close());
    assert.equal(file, path.join(dir, 'history.sqlite'));
    assert.equal(recovered, null);
    assert.equal(migration.fromVersion, 0);
    assert.equal(migration.toVersion, historyMigrations.length);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
  });

  void test('sets WAL, NORMAL and busy timeout', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t), { busyTimeoutMs: 1234 });
    t.after(() => db.close());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 1234);
  });

  void test('reopens and keeps readings', async (t) => {
    const dir = await makeTempDir(t);
    await writeDatabase(dir, 100);
    const { db, recovered, migration } = await openHistoryDatabase(dir);
    t.after(() => db.close());
    assert.equal(recovered, null);
    assert.equal(migration.fromVersion, historyMigrations.length);
    assert.equal(countRows(db, 'reading'), 100);
  });

  void test('moves random bytes aside', async (t) => {
    const dir = await makeTempDir(t);
    const junk = randomBytes(64 * 1024);
    await writeFile(path.join(dir, 'history.sqlite'), junk);

    const { db, recovered } = await openHistoryDatabase(dir, { now: fixedNow });
    t.after(() => db.close());
    assert.ok(recovered);
    assert.equal(recovered.movedTo, path.join(dir, corruptName));
    assert.match(recovered.reason, /SQLITE_NOTADB/);
    assert.equal(countRows(db, 'reading'), 0);
    const files = await readdir(dir);
    assert.ok(files.includes(corruptName));
    assert.equal((await stat(path.join(dir, corruptName))).size, junk.length);
  });

  void test('moves a truncated file aside', async (t) => {
    const dir = await makeTempDir(t);
    const file = await writeDatabase(dir, 5000);
    const size = (await stat(file)).size;
    await truncate(file, Math.floor(size / 2));

    const { db, recovered } = await openHistoryDatabase(dir, { now: fixedNow });
    t.after(() => db.close());
    assert.ok(recovered);
    assert.equal(recovered.movedTo, path.join(dir, corruptName));
    assert.equal(countRows(db, 'reading'), 0);
    assert.equal((await stat(path.join(dir, corruptName))).size, Math.floor(size / 2));
  });

  void test('rejects a newer schema', async (t) => {
    const dir = await makeTempDir(t);
    const first = await openHistoryDatabase(dir);
    first.db.pragma(`user_version = ${historyMigrations.length + 5}`);
    first.db.close();

    await assert.rejects(openHistoryDatabase(dir), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'STORAGE_SCHEMA_TOO_NEW');
      assert.match(error.message, /schema version 6, but this Gatehouse knows versions up to 1/);
      return true;
    });
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes('corrupt')), []);
  });

});

void describe('moveDatabaseFiles', () => {
  void test('moves the -wal and -shm too', async (t) => {
    const dir = await makeTempDir(t);
    const file = path.join(dir, 'history.sqlite');
    for (const suffix of ['', '-wal', '-shm']) await writeFile(file + suffix, suffix);

    await moveDatabaseFiles(file, `${file}.old`);
    assert.deepEqual((await readdir(dir)).sort(), ['history.sqlite.old', 'history.sqlite.old-shm', 'history.sqlite.old-wal']);
  });

  void test('skips missing companions', async (t) => {
    const dir = await makeTempDir(t);
    const file = path.join(dir, 'history.sqlite');
    await writeFile(file, 'x');

    await moveDatabaseFiles(file, `${file}.old`);
    assert.deepEqual(await readdir(dir), ['history.sqlite.old']);
  });
});
