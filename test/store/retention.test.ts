import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Database } from 'better-sqlite3';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { RetentionPurger } from '../../src/store/retention.js';
import { countRows, makeTempDir, numeric, state } from './helpers.js';

const dayMs = 24 * 60 * 60 * 1000;
const now = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** Fills a database with one reading per metric per hour from `days` days ago until now. */
async function fillDatabase(t: TestContext, days: number, nodes: number): Promise<Database> {
  const { db } = await openHistoryDatabase(await makeTempDir(t));
  t.after(() => db.close());
  const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5000, maxQueue: 1_000_000 });
  for (let hour = days * 24; hour > 0; hour -= 1) {
    for (let node = 1; node <= nodes; node += 1) {
      writer.append(node, [numeric('temperature', hour % 40), state('door', hour % 48 < 24 ? 'OPEN' : 'CLOSED')], now - hour * 3_600_000 + 1);
    }
  }
  writer.close();
  return db;
}

function countOlder(db: Database, table: string, cutoffMs: number): number {
  const column = table.startsWith('rollup') ? 'bucket_ms' : 'time_ms';
  return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} < ?`).get(cutoffMs) as { n: number }).n;
}

void describe('RetentionPurger', () => {
  void test('removes only expired rows', async (t) => {
    const db = await fillDatabase(t, 40, 3);
    const options = { rawRetentionDays: 14, fiveMinuteRetentionDays: 20, hourlyRetentionDays: 30 };
    const before = {
      reading: countRows(db, 'reading'),
      rollup_5m: countRows(db, 'rollup_5m'),
      rollup_1h: countRows(db, 'rollup_1h'),
      state_change: countRows(db, 'state_change'),
    };
    const expectedCounts = {
      reading: before.reading - countOlder(db, 'reading', now - 14 * dayMs),
      rollup_5m: before.rollup_5m - countOlder(db, 'rollup_5m', now - 20 * dayMs),
      rollup_1h: before.rollup_1h - countOlder(db, 'rollup_1h', now - 30 * dayMs),
      state_change: before.state_change - countOlder(db, 'state_change', now - 30 * dayMs),
    };

    const deleted = await new RetentionPurger(db, options).purge(now);
    assert.equal(countRows(db, 'reading'), expectedCounts.reading);
    assert.equal(countRows(db, 'rollup_5m'), expectedCounts.rollup_5m);
    assert.equal(countRows(db, 'rollup_1h'), expectedCounts.rollup_1h);
    assert.equal(countRows(db, 'state_change'), expectedCounts.state_change);
    assert.equal(expectedCounts.reading, 14 * 24 * 3);
    assert.equal(deleted, before.reading + before.rollup_5m + before.rollup_1h + before.state_change - expectedCounts.reading - expectedCounts.rollup_5m - expectedCounts.rollup_1h - expectedCounts.state_change);
    assert.equal(countOlder(db, 'reading', now - 14 * dayMs), 0);
  });

  void test('bounds rows per step', async (t) => {
    const db = await fillDatabase(t, 20, 4);
    const purger = new RetentionPurger(db, { rawRetentionDays: 1, maxRowsPerStep: 50 });
    const expired = countOlder(db, 'reading', now - dayMs);

    const sizes: number[] = [];
    for (let steps = 0; steps < 1000; steps += 1) {
      const result = purger.step(now);
      sizes.push(result.deleted);
      if (result.done) break;
    }
    assert.equal(Math.max(...sizes), 50);
    assert.equal(sizes.reduce((sum, size) => sum + size, 0), expired);
    assert.equal(countRows(db, 'reading'), 24 * 4);
  });

  void test('deletes nothing when all is new', async (t) => {
    const db = await fillDatabase(t, 2, 2);
    const before = countRows(db, 'reading');
    assert.equal(await new RetentionPurger(db).purge(now), 0);
    assert.equal(countRows(db, 'reading'), before);
  });
});
