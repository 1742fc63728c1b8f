import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { historySeriesSchema, type HistorySeries } from '../../src/protocol/index.js';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { ReadingWriter } from '../../src/store/reading-writer.js';
import { HistoryHub } from '../support/history-hub.js';
import { runGatehouse } from '../support/processes.js';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

function numericSeries(body: unknown): Extract<HistorySeries, { kind: 'numeric' }> {
  const series = historySeriesSchema.parse(body);
  if (series.kind !== 'numeric') throw new Error(`expected a numeric series, got ${series.kind}`);
  return series;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

void test('acknowledged readings survive kill -9', async (t) => {
  const hub = await HistoryHub.create(['flushIntervalMs: 200']);
  t.after(() => hub.remove());
  await hub.start();

  // Each line carries one temperature (its sequence number) and an RSSI: two readings.
  const total = 20_000;
  let sent = 0;
  let acknowledged = 0;
  const sender = (async () => {
    for (; sent < total && hub.process !== null; sent += 50) {
      const lines = Array.from({ length: 50 }, (_, i) => `[21] F:${sent + i}.5 SS:-60`).join('\n');
      await hub.radio.write(`${lines}\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await waitFor(async () => (await hub.historyHealth()).written >= 1000, 20_000, '1000 written readings');
  acknowledged = (await hub.historyHealth()).written;
  await hub.kill();
  await sender.catch(() => undefined);
  assert.ok(sent < total, 'the hub was killed mid-stream');

  await hub.start();
  const reply = await hub.request(`/api/nodes/21/metrics/temperature/history?from=${Date.now() - hourMs}&to=${Date.now() + 60_000}&points=10000`);
  assert.equal(reply.status, 200, reply.body);
  const temperatures = numericSeries(reply.json);
  const rssi = numericSeries((await hub.request(`/api/nodes/21/metrics/rssi/history?from=${Date.now() - hourMs}&to=${Date.now() + 60_000}&points=10000`)).json);
  assert.equal(temperatures.resolution, 'raw');
  assert.ok(temperatures.times.length + rssi.times.length >= acknowledged, `${temperatures.times.length} + ${rssi.times.length} stored, ${acknowledged} acknowledged`);
  // Batches commit whole and in order, so the acknowledged lines are stored without a gap. After
  // them may come a gap and then the lines the restarted hub read from the pty's buffer.
  const acknowledgedLines = Math.floor(acknowledged / 2);
  temperatures.max.slice(0, acknowledgedLines).forEach((value, index) => assert.equal(value, index + 0.5));
});

void test('corrupt database is set aside at start', async (t) => {
  const hub = await HistoryHub.create(['enabled: true']);
  t.after(() => hub.remove());
  await hub.start();
  await hub.stop();
  await writeFile(path.join(hub.dataDir, 'history.sqlite'), Buffer.alloc(16_384, 0x5a));

  await hub.start();
  await hub.process?.waitForLine(/history database was corrupt; moved it aside/);
  const health = (await hub.request('/api/health')).json as { status: string; reasons: string[] };
  assert.equal(health.status, 'degraded');
  assert.ok(health.reasons.some((reason) => /history database was corrupt and was moved to .*corrupt-/.test(reason)), health.reasons.join('\n'));
  const files = await readdir(hub.dataDir);
  assert.equal(files.filter((name) => name.startsWith('history.sqlite.corrupt-')).length, 1);

  await hub.radio.write('[21] F:20.5 SS:-60\n');
  await waitFor(async () => (await hub.historyHealth()).written >= 2, 5000, 'a written reading');
  const series = numericSeries((await hub.request('/api/nodes/21/metrics/temperature/history')).json);
  assert.deepEqual(series.max, [20.5]);
});

void test('retention, rollups and queries on a real hub', async (t) => {
  const hub = await HistoryHub.create(['rawRetentionDays: 30', 'fiveMinuteRetentionDays: 60', 'hourlyRetentionDays: 365']);
  t.after(() => hub.remove());

  // Before the first start: readings 400, 45, 35 and 20 days old, and two days of one per minute.
  const now = Date.now();
  const hourStart = Math.floor(now / hourMs) * hourMs;
  const start = hourStart - 48 * hourMs;
  const values: number[] = [];
  const { db } = await openHistoryDatabase(hub.dataDir);
  const writer = new ReadingWriter(db, { flushIntervalMs: 60_000, maxBatch: 5000 });
  for (const ageDays of [400, 45, 35, 20]) writer.append(40, [{ name: 'temperature', value: ageDays, unit: 'C' }], now - ageDays * dayMs);
  for (let i = 0; i < 48 * 60; i += 1) {
    const value = Math.round(Math.sin(i / 37) * 1000) / 100 + (i === 1500 ? 50 : 0);
    values.push(value);
    writer.append(41, [{ name: 'temperature', value, unit: 'C' }], start + i * minuteMs);
  }
  writer.close();
  db.close();

  await hub.start();
  // The node is known before it speaks again.
  const nodes = (await hub.request('/api/nodes')).json as { id: number; metrics: Record<string, { value: unknown }> }[];
  assert.deepEqual(nodes.map((node) => node.id), [40, 41]);
  assert.equal(nodes[1]?.metrics.temperature?.value, values.at(-1));

  await hub.process?.waitForLine(/"msg":"history retention pass finished"/, 30_000);
  // Rollups equal the raw aggregates: 24 groups of 2 h over the two days.
  const to = start + 48 * hourMs - 1;
  const grouped = numericSeries((await hub.request(`/api/nodes/41/metrics/temperature/history?from=${start}&to=${to}&points=24`)).json);
  assert.equal(grouped.resolution, '1h');
  assert.equal(grouped.times.length, 24);
  for (let group = 0; group < 24; group += 1) {
    const slice = values.slice(group * 120, (group + 1) * 120);
    assert.equal(grouped.min[group], Math.min(...slice));
    assert.equal(grouped.max[group], Math.max(...slice));
    const mean = slice.reduce((sum, value) => sum + value, 0) / slice.length;
    assert.ok(Math.abs((grouped.mean[group] ?? Number.NaN) - mean) < 1e-9, `mean of group ${group}`);
  }
  assert.equal(Math.max(...grouped.max), values[1500]);

  // Empty, tiny and huge ranges.
  const empty = numericSeries((await hub.request(`/api/nodes/41/metrics/temperature/history?from=${start - dayMs}&to=${start - 1}`)).json);
  assert.equal(empty.times.length, 0);
  const tiny = numericSeries((await hub.request(`/api/nodes/41/metrics/temperature/history?from=${start + minuteMs}&to=${start + minuteMs}`)).json);
  assert.deepEqual(tiny.max, [values[1]]);
  const huge = numericSeries((await hub.request('/api/nodes/41/metrics/temperature/history?from=0&to=8640000000000000&points=3')).json);
  assert.ok(huge.times.length <= 3);
  assert.equal(Math.max(...huge.max), values[1500]);
  const bad = await hub.request('/api/nodes/41/metrics/temperature/history?from=5&to=4');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /from .* is after to/);
  const hugePoints = await hub.request('/api/nodes/41/metrics/temperature/history?points=1000000');
  assert.equal(hugePoints.status, 400);

  await hub.stop();
  // Retention removed the raw readings older than 30 days, the 5-minute rollups older than 60 and
  // the hourly rollups older than 365 days, and nothing else.
  const check = new BetterSqlite3(path.join(hub.dataDir, 'history.sqlite'), { readonly: true });
  t.after(() => check.close());
  const timesOf = (table: string, column: string, nodeId: number): number[] =>
    check.prepare(`SELECT t.${column} FROM ${table} t JOIN metric m ON m.id = t.metric_id WHERE m.node_id = ? ORDER BY t.${column}`).pluck().all(nodeId) as number[];
  assert.deepEqual(timesOf('reading', 'time_ms', 40), [now - 20 * dayMs]);
  assert.equal(timesOf('rollup_5m', 'bucket_ms', 40).length, 3);
  assert.equal(timesOf('rollup_1h', 'bucket_ms', 40).length, 3);
  assert.equal(timesOf('reading', 'time_ms', 41).length, 48 * 60);
  assert.equal(timesOf('rollup_5m', 'bucket_ms', 41).length, 48 * 12);
  assert.equal(timesOf('rollup_1h', 'bucket_ms', 41).length, 48);
});

void test('backup while running and restore', async (t) => {
  const hub = await HistoryHub.create(['flushIntervalMs: 200']);
  t.after(() => hub.remove());
  await hub.start();
  await hub.radio.write('[21] F:20.5 SS:-60\n[21] F:21.5 SS:-61\n');
  await waitFor(async () => (await hub.historyHealth()).written >= 4, 5000, 'four written readings');

  const backupFile = path.join(hub.dir, 'copy.sqlite');
  const backup = await runGatehouse(['backup', '--output', backupFile, '--config', hub.configFile]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, new RegExp(`written to ${backupFile} \\(\\d+ bytes\\)`));
  const defaultBackup = await runGatehouse(['backup', '--config', hub.configFile]);
  assert.equal(defaultBackup.code, 0, defaultBackup.stderr);
  assert.equal((await readdir(path.join(hub.dataDir, 'backups'))).length, 1);

  const whileRunning = await runGatehouse(['restore', backupFile, '--config', hub.configFile]);
  assert.equal(whileRunning.code, 1);
  assert.match(whileRunning.stderr, /in use by process \d+ \(another hub\)\. Stop it first\./);

  await hub.radio.write('[21] F:99.5 SS:-62\n');
  await waitFor(async () => (await hub.historyHealth()).written >= 6, 5000, 'six written readings');
  await hub.stop();
  const restored = await runGatehouse(['restore', backupFile, '--config', hub.configFile]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /The previous database was moved to .*history\.sqlite\.replaced-/);

  await hub.start();
  const series = numericSeries((await hub.request('/api/nodes/21/metrics/temperature/history')).json);
  assert.deepEqual(series.max, [20.5, 21.5]);

  const missing = await runGatehouse(['restore', path.join(hub.dir, 'nothing.sqlite'), '--config', hub.configFile]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nothing\.sqlite does not exist/);
  const notDatabase = path.join(hub.dir, 'notes.txt');
  await writeFile(notDatabase, 'not a database, just text\n'.repeat(200));
  await hub.stop();
  const invalid = await runGatehouse(['restore', notDatabase, '--config', hub.configFile]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /cannot be (opened|restored)|not a readable database|failed quick_check/);
  const usage = await runGatehouse(['restore', '--config', hub.configFile]);
  assert.equal(usage.code, 2);
  const noDatabase = await runGatehouse(['backup', '--config', path.join(hub.dir, 'missing.yaml')]);
  assert.notEqual(noDatabase.code, 0);
  assert.ok(existsSync(path.join(hub.dataDir, 'history.sqlite')));
});
