import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter, type FlushResult } from '../../src/store/reading-writer.js';
import { countRows, makeTempDir, numeric, state, storedReadings } from './helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

async function openDb(t: TestContext): Promise<Database> {
  const { db } = await openHistoryDatabase(await makeTempDir(t));
  t.after(() => db.close());
  return db;
}

/** Creates a pino logger that appends each line to `lines` as a parsed object. */
function captureLogger(lines: Record<string, unknown>[]): pino.Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'warn' }, destination);
}

void describe('ReadingWriter', () => {
  void test('flushes after the interval', async (t) => {
    const db = await openDb(t);
    const flushes: FlushResult[] = [];
    const writer = new ReadingWriter(db, { flushIntervalMs: 50, onFlush: (result) => flushes.push(result) });
    t.after(() => writer.close());

    writer.append(7, [numeric('temperature', 21.5), numeric('battery', 3.3, 'V')], t0);
    assert.equal(countRows(db, 'reading'), 0);
    assert.equal(writer.counters.queued, 2);
    await sleep(150);
    assert.equal(countRows(db, 'reading'), 2);
    assert.equal(flushes.length, 1);
    assert.equal(flushes[0]?.batchSize, 2);
    assert.equal(writer.counters.written, 2);
    assert.equal(writer.counters.flushes, 1);
    assert.equal(writer.counters.queued, 0);
  });

  void test('flushes a full batch at once', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 10 });
    t.after(() => writer.close());

    for (let i = 0; i < 25; i += 1) writer.append(1, [numeric('seq', i)], t0 + i);
    await sleep(20);
    assert.equal(countRows(db, 'reading'), 25);
    assert.equal(writer.counters.flushes, 3);
    assert.ok(writer.counters.lastFlushDurationMs >= 0);
  });

  void test('close writes what is queued', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    writer.append(3, [numeric('humidity', 40, '%')], t0);
    writer.close();
    assert.equal(countRows(db, 'reading'), 1);
    writer.append(3, [numeric('humidity', 41, '%')], t0 + 1);
    assert.equal(writer.counters.invalid, 1);
    assert.equal(writer.counters.queued, 0);
  });

  void test('drops the oldest when full', async (t) => {
    const db = await openDb(t);
    const lines: Record<string, unknown>[] = [];
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5, maxQueue: 10, logger: captureLogger(lines) });
    t.after(() => writer.close());

    for (let i = 0; i < 14; i += 1) writer.append(1, [numeric('seq', i)], t0 + i);
    assert.equal(writer.counters.dropped, 4);
    assert.equal(writer.counters.queued, 10);
    writer.flush();
    assert.deepEqual(storedReadings(db, 1, 'seq').map((row) => row.value), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.msg, 'Reading queue full; dropped the oldest readings');
  });

  void test('counts invalid readings', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    t.after(() => writer.close());

    writer.append(0, [numeric('temperature', 1)], t0);
    writer.append(1024, [numeric('temperature', 1)], t0);
    writer.append(1, [numeric('temperature', Number.NaN)], t0);
    writer.append(1, [numeric('', 1)], t0);
    writer.append(1, [state('door', '')], t0);
    writer.append(1, [numeric('temperature', 1)], 1.5);
    writer.append(1, [numeric('temperature', 1)], t0);
    assert.equal(writer.counters.invalid, 6);
    assert.equal(writer.flush(), 1);
  });

  void test('keeps a failed batch queued', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    writer.append(1, [numeric('temperature', 20)], t0);
    db.close();

    assert.doesNotThrow(() => writer.flush());
    assert.equal(writer.counters.failedFlushes, 1);
    assert.equal(writer.counters.queued, 1);
    assert.equal(writer.counters.written, 0);
    assert.doesNotThrow(() => writer.close());
  });

  void test('stores state changes only', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    t.after(() => writer.close());

    const states = ['CLOSED', 'CLOSED', 'OPEN', 'OPEN', 'CLOSED'];
    states.forEach((text, i) => writer.append(5, [state('door', text)], t0 + i * 1000));
    writer.flush();
    const rows = db
      .prepare('SELECT s.time_ms, t.text FROM state_change s JOIN state_text t ON t.id = s.state_id ORDER BY s.time_ms')
      .all();
    assert.deepEqual(rows, [
      { time_ms: t0, text: 'CLOSED' },
      { time_ms: t0 + 2000, text: 'OPEN' },
      { time_ms: t0 + 4000, text: 'CLOSED' },
    ]);
    assert.equal(countRows(db, 'state_text'), 2);
    assert.equal(writer.counters.written, 5);
  });

  void test('keeps units apart', async (t) => {
    const db = await openDb(t);
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });
    t.after(() => writer.close());

    writer.append(2, [numeric('temperature', 70, 'F')], t0);
    writer.append(2, [numeric('temperature', 21, 'C')], t0 + 1);
    writer.append(2, [numeric('rssi', -60, null)], t0 + 2);
    writer.flush();
    const metrics = db.prepare('SELECT node_id, name, unit FROM metric ORDER BY id').all();
    assert.deepEqual(metrics, [
      { node_id: 2, name: 'temperature', unit: 'F' },
      { node_id: 2, name: 'temperature', unit: 'C' },
      { node_id: 2, name: 'rssi', unit: '' },
    ]);
  });
});
