import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Database } from 'better-sqlite3';
import { countStateRows, exportNumericRows, planExport } from '../../src/store/history-export.js';
import { findMetric, hasNode, readSeries, type RetentionWindows, type StoredMetric } from '../../src/store/history-read.js';
import { NodeHistoryEraser, readNewestTime, readNodeSummaries } from '../../src/store/node-history.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { oneHourMs } from '../../src/store/rollups.js';
import { countRows, makeTempDir, numeric, state } from './helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const minuteMs = 60_000;
const dayMs = 24 * oneHourMs;
const keepAll: RetentionWindows = { rawMs: 10_000 * dayMs, fiveMinuteMs: 10_000 * dayMs, hourlyMs: 10_000 * dayMs };

async function openDb(t: TestContext): Promise<Database> {
  const { db } = await openHistoryDatabase(await makeTempDir(t));
  t.after(() => db.close());
  return db;
}

/** Writes one temperature reading per minute for `minutes` minutes from t0: 20 + a slow wave, with one spike of 90 at `spikeMinute`. */
function writeMinutes(db: Database, minutes: number, spikeMinute: number): void {
  const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5000, maxQueue: 1_000_000 });
  for (let i = 0; i < minutes; i += 1) {
    const value = i === spikeMinute ? 90 : 20 + Math.sin(i / 100);
    writer.append(5, [numeric('temperature', value)], t0 + i * minuteMs);
  }
  writer.close();
}

function metricOf(db: Database, name = 'temperature'): StoredMetric {
  const metric = findMetric(db, 5, name);
  assert.ok(metric !== undefined, `metric ${name} is stored`);
  return metric;
}

void describe('readSeries', () => {
  void test('returns raw readings when few enough', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 10, -1);
    const series = readSeries(db, metricOf(db), { from: t0, to: t0 + 9 * minuteMs, points: 100, nowMs: t0 + dayMs, retention: keepAll });
    assert.equal(series.kind, 'numeric');
    if (series.kind !== 'numeric') return;
    assert.equal(series.resolution, 'raw');
    assert.equal(series.times.length, 10);
    assert.equal(series.times[3], t0 + 3 * minuteMs);
    assert.deepEqual(series.min, series.max);
  });

  void test('keeps a spike visible when grouping', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 3 * 24 * 60, 1234);
    for (const points of [10, 100, 500]) {
      const series = readSeries(db, metricOf(db), { from: t0, to: t0 + 3 * dayMs, points, nowMs: t0 + 3 * dayMs, retention: keepAll });
      assert.ok(series.kind === 'numeric');
      assert.ok(series.times.length <= points, `${series.times.length} points for ${points}`);
      assert.equal(Math.max(...series.max), 90, `spike in max at ${points} points`);
      assert.ok(Math.min(...series.min) < 20, `wave minimum kept at ${points} points`);
    }
  });

  void test('picks rollups for wide groups', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 3 * 24 * 60, -1);
    const hourly = readSeries(db, metricOf(db), { from: t0, to: t0 + 3 * dayMs, points: 20, nowMs: t0 + 3 * dayMs, retention: keepAll });
    assert.ok(hourly.kind === 'numeric');
    assert.equal(hourly.resolution, '1h');
    const fiveMinute = readSeries(db, metricOf(db), { from: t0, to: t0 + 3 * dayMs, points: 500, nowMs: t0 + 3 * dayMs, retention: keepAll });
    assert.ok(fiveMinute.kind === 'numeric');
    assert.equal(fiveMinute.resolution, '5m');
    const raw = readSeries(db, metricOf(db), { from: t0, to: t0 + 3 * dayMs, points: 2000, nowMs: t0 + 3 * dayMs, retention: keepAll });
    assert.ok(raw.kind === 'numeric');
    assert.equal(raw.resolution, 'raw');
  });

  void test('uses rollups once raw retention ended', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 24 * 60, -1);
    const retention = { ...keepAll, rawMs: dayMs };
    const series = readSeries(db, metricOf(db), { from: t0, to: t0 + dayMs, points: 2000, nowMs: t0 + 10 * dayMs, retention });
    assert.ok(series.kind === 'numeric');
    assert.equal(series.resolution, '5m');
  });

  void test('hourly groups equal raw aggregates', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 2 * 24 * 60, 700);
    const points = 24;
    // A range of exactly points * 2 h - 1 ms makes groups of 2 h that start on hour boundaries.
    const to = t0 + points * 2 * oneHourMs - 1;
    const series = readSeries(db, metricOf(db), { from: t0, to, points, nowMs: to, retention: keepAll });
    assert.ok(series.kind === 'numeric');
    assert.equal(series.resolution, '1h');
    const raw = db
      .prepare(
        `SELECT (time_ms - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS g, min(value) AS lo, max(value) AS hi, avg(value) AS mean FROM reading
         WHERE time_ms BETWEEN ? AND ? GROUP BY g ORDER BY g`,
      )
      .all(t0, 2 * oneHourMs, t0, to) as { g: number; lo: number; hi: number; mean: number }[];
    assert.equal(series.times.length, raw.length);
    raw.forEach((row, index) => {
      assert.equal(series.times[index], t0 + row.g * 2 * oneHourMs);
      assert.equal(series.min[index], row.lo);
      assert.equal(series.max[index], row.hi);
      assert.ok(Math.abs((series.mean[index] ?? Number.NaN) - row.mean) < 1e-9, `mean of group ${row.g}`);
    });
  });

  void test('answers empty, tiny and huge ranges', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 100, -1);
    const metric = metricOf(db);
    const empty = readSeries(db, metric, { from: t0 - dayMs, to: t0 - 1, points: 1000, nowMs: t0 + dayMs, retention: keepAll });
    assert.equal(empty.times.length, 0);
    const tiny = readSeries(db, metric, { from: t0 + minuteMs, to: t0 + minuteMs, points: 1, nowMs: t0 + dayMs, retention: keepAll });
    assert.deepEqual(tiny.times, [t0 + minuteMs]);
    const huge = readSeries(db, metric, { from: 0, to: 8_640_000_000_000_000, points: 10, nowMs: t0 + dayMs, retention: keepAll });
    assert.ok(huge.kind === 'numeric');
    assert.equal(huge.times.length, 1);
    assert.equal(huge.max[0], Math.max(...Array.from({ length: 100 }, (_, i) => 20 + Math.sin(i / 100))));
  });

  void test('returns a state timeline', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    const states = ['CLOSED', 'OPEN', 'CLOSED', 'OPEN', 'CLOSED'];
    states.forEach((text, i) => writer.append(5, [state('door', text)], t0 + i * minuteMs));
    writer.close();
    const metric = metricOf(db, 'door');
    assert.equal(metric.kind, 'state');
    const series = readSeries(db, metric, { from: t0 + 90_000, to: t0 + dayMs, points: 10, nowMs: t0 + dayMs, retention: keepAll });
    assert.ok(series.kind === 'state');
    assert.equal(series.initial, 'OPEN');
    assert.deepEqual(series.states, ['CLOSED', 'OPEN', 'CLOSED']);
    assert.deepEqual(series.times, [t0 + 2 * minuteMs, t0 + 3 * minuteMs, t0 + 4 * minuteMs]);

    const cut = readSeries(db, metric, { from: t0 - 1, to: t0 + dayMs, points: 2, nowMs: t0 + dayMs, retention: keepAll });
    assert.ok(cut.kind === 'state');
    assert.equal(cut.initial, null);
    assert.deepEqual(cut.states, ['CLOSED', 'OPEN']);
    assert.equal(cut.to, t0 + 2 * minuteMs - 1);
  });
});

void describe('history export', () => {
  void test('plans raw, then rollups, then truncation', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 3 * 24 * 60, -1);
    const metric = metricOf(db);
    assert.deepEqual(planExport(db, metric, t0, t0 + 3 * dayMs, 10_000), { resolution: 'raw', truncated: false });
    assert.deepEqual(planExport(db, metric, t0, t0 + 3 * dayMs, 1000), { resolution: '5m', truncated: false });
    assert.deepEqual(planExport(db, metric, t0, t0 + 3 * dayMs, 100), { resolution: '1h', truncated: false });
    assert.deepEqual(planExport(db, metric, t0, t0 + 3 * dayMs, 10), { resolution: '1h', truncated: true });
  });

  void test('pages rows without gaps', async (t) => {
    const db = await openDb(t);
    writeMinutes(db, 5000, -1);
    const metric = metricOf(db);
    const pages = [...exportNumericRows(db, metric, 'raw', t0, t0 + dayMs * 10, 4500)];
    const rows = pages.flat();
    assert.equal(rows.length, 4500);
    assert.ok(pages.length >= 3, 'several pages');
    rows.forEach((row, i) => assert.equal(row.timeMs, t0 + i * minuteMs));
    assert.equal(countStateRows(db, metric, t0, t0 + dayMs, 10), 0);
  });
});

void describe('node history', () => {
  void test('summaries give last values', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    writer.append(7, [numeric('temperature', 21), state('door', 'OPEN')], t0);
    writer.append(7, [numeric('temperature', 22.5)], t0 + minuteMs);
    writer.append(8, [numeric('battery', 3.1, 'V')], t0 + 2 * minuteMs);
    writer.close();
    const summaries = readNodeSummaries(db);
    assert.equal(summaries.length, 2);
    const seven = summaries[0];
    assert.equal(seven?.nodeId, 7);
    assert.equal(seven?.firstMs, t0);
    assert.equal(seven?.lastMs, t0 + minuteMs);
    assert.deepEqual(seven?.values.find((value) => value.name === 'temperature')?.value, 22.5);
    assert.deepEqual(seven?.values.find((value) => value.name === 'door')?.value, 'OPEN');
    assert.equal(readNewestTime(db), t0 + 2 * minuteMs);
  });

  void test('eraser deletes one node in steps', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5000, maxQueue: 100_000 });
    for (let i = 0; i < 5000; i += 1) {
      writer.append(7, [numeric('temperature', i)], t0 + i * minuteMs);
      writer.append(8, [numeric('temperature', i)], t0 + i * minuteMs);
    }
    writer.append(7, [state('door', 'OPEN')], t0);
    writer.close();
    const eraser = new NodeHistoryEraser(db, 7, t0 + 10_000 * minuteMs, 1000);
    let steps = 1;
    while (!eraser.step()) steps += 1;
    assert.ok(steps >= 5, `took ${steps} steps`);
    assert.equal(hasNode(db, 7), false);
    assert.equal(hasNode(db, 8), true);
    assert.equal(countRows(db, 'reading'), 5000);
    assert.equal(countRows(db, 'state_change'), 0);
  });
});
