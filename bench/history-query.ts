// Measures graph queries on a year of history through the built hub: the time to answer a
// one-year, 1000-point query for a metric read every minute, and the hub's resident memory
// meanwhile. Run `npm run build` first, then: node --import tsx bench/history-query.ts [queries]
import { statSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { openHistoryDatabase } from '../src/store/open-history.js';
import { ReadingWriter } from '../src/store/reading-writer.js';
import { RetentionPurger } from '../src/store/retention.js';
import { HistoryHub } from '../test/support/history-hub.js';
import { percentile } from './support/latency-stats.js';
import { rssMibOf } from './support/process-sampler.js';

const queryCount = Number(process.argv[2] ?? 200);
const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
const yearMinutes = 365 * 24 * 60;

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function summarize(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  const round = (value: number): number => Number(value.toFixed(2));
  return { p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)), max: round(sorted.at(-1) ?? 0) };
}

const hub = await HistoryHub.create(['enabled: true']);
try {
  // A year of one reading per minute for node 1, ending now, written in batches of 5000.
  const now = Date.now();
  const first = now - yearMinutes * minuteMs;
  const { db } = await openHistoryDatabase(hub.dataDir);
  const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5000, maxQueue: 20_000 });
  const writeStarted = performance.now();
  for (let i = 0; i < yearMinutes; i += 1) {
    writer.append(1, [{ name: 'temperature', value: Math.round(200 + 80 * Math.sin(i / 720) + 30 * Math.sin(i / 37)) / 10, unit: 'C' }], first + i * minuteMs);
    if (writer.counters.queued >= 5000) writer.flush();
  }
  writer.close();
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytesBeforeRetention = fileBytes(db.name);
  // The default retention (30 days raw, 400 days of 5-minute rollups), as a year-old install has it.
  const purged = await new RetentionPurger(db, { rawRetentionDays: 30, fiveMinuteRetentionDays: 400, hourlyRetentionDays: 3650 }).purge(now);
  db.close();

  await hub.start();
  const pid = hub.process?.child.pid ?? 0;
  const rssBefore = rssMibOf(pid) ?? 0;
  let rssPeak = rssBefore;
  const yearQuery = `/api/nodes/1/metrics/temperature/history?from=${now - 365 * dayMs}&to=${now}&points=1000`;
  const dayQuery = `/api/nodes/1/metrics/temperature/history?from=${now - dayMs}&to=${now}&points=1000`;

  const warm = await hub.request(yearQuery);
  const warmBody = warm.json as { resolution: string; times: number[] };
  const timings: Record<string, number[]> = { year: [], day: [] };
  for (let i = 0; i < queryCount; i += 1) {
    for (const [name, query] of [['year', yearQuery], ['day', dayQuery]] as const) {
      const started = performance.now();
      const reply = await hub.request(query);
      timings[name]?.push(performance.now() - started);
      if (reply.status !== 200) throw new Error(`query failed with ${reply.status}: ${reply.body}`);
    }
    rssPeak = Math.max(rssPeak, rssMibOf(pid) ?? 0);
  }
  const rssAfter = rssMibOf(pid) ?? 0;

  console.log(
    JSON.stringify(
      {
        benchmark: 'history-query',
        date: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        readings: yearMinutes,
        writeSeconds: Number(writeSeconds.toFixed(1)),
        bytesPerReadingBeforeRetention: Number((bytesBeforeRetention / yearMinutes).toFixed(2)),
        rowsPurged: purged,
        fileBytesAfterRetention: fileBytes(path.join(hub.dataDir, 'history.sqlite')),
        yearQuery: { resolution: warmBody.resolution, points: warmBody.times.length, ms: summarize(timings.year ?? []) },
        dayQuery: { ms: summarize(timings.day ?? []) },
        queries: queryCount,
        hubRssMiB: { before: Number(rssBefore.toFixed(1)), peak: Number(rssPeak.toFixed(1)), after: Number(rssAfter.toFixed(1)) },
      },
      null,
      2,
    ),
  );
} finally {
  await hub.remove();
}
