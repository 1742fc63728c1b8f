import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { bucketStart, fiveMinutesMs, oneHourMs } from '../../src/store/rollups.js';
import { countRows, makeTempDir, numeric } from './helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

interface Bucket {
  metric_id: number;
  bucket_ms: number;
  min_value: number;
  max_value: number;
  sum_value: number;
  value_count: number;
}

/** Deterministic pseudo-random numbers (a linear congruential generator), so failures repeat. */
function makeRandom(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

void describe('rollups', () => {
  void test('bucketStart rounds down', () => {
    assert.equal(bucketStart(t0 + fiveMinutesMs - 1, fiveMinutesMs), t0);
    assert.equal(bucketStart(t0 + fiveMinutesMs, fiveMinutesMs), t0 + fiveMinutesMs);
    assert.equal(bucketStart(t0 + 59 * 60_000, oneHourMs), t0);
  });

  void test('match aggregates of raw rows', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 97 });
    const random = makeRandom(42);

    // 3 hours of readings from 6 nodes at random gaps, out of order now and then, in many batches.
    // Values are multiples of 0.5, so every sum is exact in floating point and can be compared with equal.
    let time = t0;
    for (let i = 0; i < 6000; i += 1) {
      time += Math.floor(random() * 3600);
      const stepBack = random() < 0.02 ? Math.floor(random() * 600_000) : 0;
      const node = 1 + Math.floor(random() * 6);
      writer.append(node, [numeric('temperature', Math.round(random() * 80 - 20) / 2), numeric('battery', 3 + Math.round(random() * 4) / 2, 'V')], time - stepBack);
      if (i % 500 === 0) writer.flush();
    }
    writer.close();
    assert.equal(writer.counters.written, 12_000);

    for (const [table, length] of [['rollup_5m', fiveMinutesMs], ['rollup_1h', oneHourMs]] as const) {
      const expected = db
        .prepare(
          `SELECT metric_id, (time_ms / ${length}) * ${length} AS bucket_ms, min(value) AS min_value, max(value) AS max_value,
             sum(value) AS sum_value, count(*) AS value_count
           FROM reading GROUP BY metric_id, bucket_ms ORDER BY metric_id, bucket_ms`,
        )
        .all() as Bucket[];
      const actual = db.prepare(`SELECT * FROM ${table} ORDER BY metric_id, bucket_ms`).all() as Bucket[];
      assert.ok(expected.length > 12, `${table} has ${expected.length} buckets`);
      assert.equal(actual.length, expected.length);
      assert.deepEqual(actual, expected);
    }
  });

  void test('skip state readings', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    writer.append(1, [{ name: 'door', value: 'OPEN', unit: null }], t0);
    writer.close();
    assert.equal(countRows(db, 'rollup_5m'), 0);
    assert.equal(countRows(db, 'rollup_1h'), 0);
  });
});
