// Measures the history store on a real SQLite file: batched insert rate, bytes per reading on disk
// and resident memory. Run: node --import tsx bench/store-insert.ts [readings] [metrics] [batch]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { openHistoryDatabase } from '../src/store/open-history.js';
import { ReadingWriter } from '../src/store/reading-writer.js';

const readingCount = Number(process.argv[2] ?? 1_000_000);
/** Metrics per round: four per node (temperature, humidity, battery, rssi). */
const metricCount = Number(process.argv[3] ?? 400);
/** Readings per transaction, as the writer's maxBatch. */
const batchSize = Number(process.argv[4] ?? 1000);
/** Time between two readings of one metric, like a node that reports every minute. */
const intervalMs = 60_000;

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-bench-store-'));
try {
  const { db } = await openHistoryDatabase(dir);
  const writer = new ReadingWriter(db, { flushIntervalMs: 1000, maxBatch: batchSize, maxQueue: 2_000_000 });
  const rssStart = rssMiB();
  let rssPeak = rssStart;
  const start = Date.UTC(2026, 0, 1);
  const nodes = metricCount / 4;

  // Append one packet per node per round and flush every `batchSize` readings, as the writer's maxBatch
  // trigger does, so the time measured is append plus commit. Flushing here instead of waiting
  // for setImmediate keeps the loop synchronous and the numbers free of timer delays.
  const began = performance.now();
  let written = 0;
  let flushMs = 0;
  for (let round = 0; written < readingCount; round += 1) {
    const time = start + round * intervalMs;
    for (let node = 1; node <= nodes && written < readingCount; node += 1) {
      writer.append(node, [
        { name: 'temperature', value: Math.round(200 + 50 * Math.sin(round / 60 + node)) / 10, unit: 'C' },
        { name: 'humidity', value: 40 + ((round + node) % 20), unit: '%' },
        { name: 'battery', value: 3.3 - round / 100_000, unit: 'V' },
        { name: 'rssi', value: -40 - ((round * node) % 50), unit: 'dBm' },
      ], time + node * 10);
      written += 4;
      if (writer.counters.queued >= batchSize) {
        const flushStart = performance.now();
        writer.flush();
        flushMs += performance.now() - flushStart;
        rssPeak = Math.max(rssPeak, rssMiB());
      }
    }
  }
  writer.close();
  const seconds = (performance.now() - began) / 1000;

  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  const stored = (db.prepare('SELECT count(*) AS n FROM reading').get() as { n: number }).n;
  const tableBytes = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as { name: string; bytes: number }[];
  db.close();

  const result = {
    benchmark: 'store-insert',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    readings: stored,
    metrics: metricCount,
    batchSize,
    readingsPerSecond: Math.round(stored / seconds),
    readingsPerSecondInFlush: Math.round(stored / (flushMs / 1000)),
    seconds: Number(seconds.toFixed(2)),
    fileBytes: pageCount * pageSize,
    bytesPerReading: Number(((pageCount * pageSize) / stored).toFixed(2)),
    readingTableBytesPerReading: Number(((tableBytes.find((row) => row.name === 'reading')?.bytes ?? 0) / stored).toFixed(2)),
    freePages,
    tableBytes: Object.fromEntries(tableBytes.map((row) => [row.name, row.bytes])),
    rssMiB: { start: Number(rssStart.toFixed(1)), peak: Number(rssPeak.toFixed(1)), end: Number(rssMiB().toFixed(1)) },
    writer: writer.counters,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
