import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maxTimeShiftMs } from '../../src/store/batch-insert.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { makeTempDir, numeric, storedReadings } from './helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

void describe('clock stepping back', () => {
  void test('keeps both readings of one time', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000 });

    writer.append(4, [numeric('temperature', 20)], t0);
    writer.flush();
    writer.append(4, [numeric('temperature', 25)], t0);
    writer.close();

    assert.deepEqual(storedReadings(db, 4, 'temperature'), [
      { time_ms: t0, value: 20 },
      { time_ms: t0 + 1, value: 25 },
    ]);
    assert.equal(writer.counters.timeShifted, 1);
    assert.equal(writer.counters.written, 2);
  });

  void test('interleaves a replayed minute', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 7 });

    // One reading per second for 60 s, then the clock steps back 60 s and the next 60 s repeat the times.
    for (let i = 0; i < 60; i += 1) writer.append(9, [numeric('power', i, 'W')], t0 + i * 1000);
    for (let i = 0; i < 60; i += 1) writer.append(9, [numeric('power', 100 + i, 'W')], t0 + i * 1000);
    writer.close();

    const rows = storedReadings(db, 9, 'power');
    assert.equal(rows.length, 120);
    assert.deepEqual(rows.map((row) => row.value).sort((a, b) => a - b), [...Array.from({ length: 60 }, (_, i) => i), ...Array.from({ length: 60 }, (_, i) => 100 + i)]);
    assert.equal(writer.counters.clockStepsBack, 1);
    assert.equal(writer.counters.timeShifted, 60);
    assert.equal(rows.every((row) => row.time_ms % 1000 <= 1), true);
  });

  void test('drops only past the shift limit', async (t) => {
    const { db } = await openHistoryDatabase(await makeTempDir(t));
    t.after(() => db.close());
    const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 500 });

    const stamped = maxTimeShiftMs + 2;
    for (let i = 0; i < stamped; i += 1) writer.append(3, [numeric('seq', i)], t0);
    writer.close();

    assert.equal(storedReadings(db, 3, 'seq').length, maxTimeShiftMs + 1);
    assert.equal(writer.counters.keyConflictsDropped, 1);
    assert.equal(writer.counters.written, maxTimeShiftMs + 1);
  });
});
