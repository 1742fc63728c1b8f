import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { HistoryConfig } from '../../src/config/history-schema.js';
import { NodeRegistry } from '../../src/domain/index.js';
import type { NodePacket } from '../../src/domain/index.js';
import type { PacketListener } from '../../src/hub/hub.js';
import { HistoryService } from '../../src/hub/history-service.js';
import { LiveLog } from '../../src/hub/live-log.js';
import { historyLockFileName } from '../../src/store/history-lock.js';
import { captureLogs, type LogRecord } from '../auth/helpers.js';
import { makeTempDir } from '../store/helpers.js';

const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const dayMs = 24 * 60 * 60 * 1000;
const historyOn: HistoryConfig = { enabled: true, rawRetentionDays: 1, fiveMinuteRetentionDays: 10, hourlyRetentionDays: 100, flushIntervalMs: 100 };

/** A hub stand-in with the real registry and live log, whose packets the test sends by hand. */
class FakeHost {
  readonly registry = new NodeRegistry();
  readonly liveLog = new LiveLog();
  readonly defaultGateway = 'radio';
  readonly #listeners = new Set<PacketListener>();

  onPacket(listener: PacketListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(packet: NodePacket, time: Date): void {
    const node = this.registry.apply(packet, time);
    for (const listener of this.#listeners) listener({ gateway: 'radio', packet, node, time });
  }
}

interface Running {
  host: FakeHost;
  service: HistoryService;
  records: LogRecord[];
  clock: { nowMs: number };
}

async function startService(dataDir: string, config: HistoryConfig = historyOn, nowMs = t0, retentionFirstDelayMs = 60_000): Promise<Running> {
  const host = new FakeHost();
  const { logger, records } = captureLogs();
  const clock = { nowMs };
  const service = new HistoryService({ host, config, dataDir, logger, now: () => new Date(clock.nowMs), retentionFirstDelayMs });
  await service.start();
  return { host, service, records, clock };
}

function temperature(nodeId: number, value: number, rssi: number | null = -60): NodePacket {
  return { nodeId, rssi, metrics: [{ name: 'temperature', value, unit: 'C' }] };
}

async function dataDirOf(t: TestContext): Promise<string> {
  return path.join(await makeTempDir(t), 'data');
}

void describe('HistoryService', () => {
  void test('records metrics and RSSI', async (t) => {
    const dataDir = await dataDirOf(t);
    const { host, service } = await startService(dataDir);
    host.send(temperature(5, 21.5), new Date(t0));
    host.send({ nodeId: 5, rssi: null, metrics: [{ name: 'door', value: 'OPEN', unit: null }] }, new Date(t0 + 1000));
    const rssi = service.metric(5, 'rssi');
    assert.equal(rssi.unit, 'dBm');
    const series = service.series(rssi, t0 - 1, t0 + 10_000, 100);
    assert.ok(series.kind === 'numeric');
    assert.deepEqual(series.max, [-60]);
    const door = service.series(service.metric(5, 'door'), t0 - 1, t0 + 10_000, 100);
    assert.ok(door.kind === 'state');
    assert.deepEqual(door.states, ['OPEN']);
    assert.equal(service.status().written, 3);
    await service.stop();
  });

  void test('stop flushes and a restart seeds nodes', async (t) => {
    const dataDir = await dataDirOf(t);
    const first = await startService(dataDir, { ...historyOn, flushIntervalMs: 10_000 });
    first.host.send(temperature(5, 21.5, -70), new Date(t0));
    first.host.send(temperature(5, 22.5, -71), new Date(t0 + 60_000));
    assert.equal(first.service.status().queued, 4);
    await first.service.stop();

    const second = await startService(dataDir);
    t.after(() => second.service.stop());
    const node = second.host.registry.get(5);
    assert.ok(node !== undefined, 'node 5 seeded');
    assert.equal(node.metrics.temperature?.value, 22.5);
    assert.equal(node.metrics.rssi, undefined);
    assert.equal(node.rssi, -71);
    assert.equal(node.firstSeen, new Date(t0).toISOString());
    assert.equal(node.lastSeen, new Date(t0 + 60_000).toISOString());
  });

  void test('clock stepping back keeps readings', async (t) => {
    const dataDir = await dataDirOf(t);
    const first = await startService(dataDir);
    first.host.send(temperature(5, 1), new Date(t0));
    await first.service.stop();

    // A restart with the clock at 1970, as on a Pi without a real-time clock before NTP.
    const second = await startService(dataDir, historyOn, 1000, 0);
    t.after(() => second.service.stop());
    for (let i = 0; i < 5; i += 1) second.host.send(temperature(5, 2 + i), new Date(1000 + i));
    assert.match(second.service.status().problems.join('\n'), /clock .* is behind the newest stored reading/);
    // Let the retention pass run; with one day of raw retention it must keep these readings.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(second.service.status().retentionPasses, 1);
    const series = second.service.series(second.service.metric(5, 'temperature'), t0 - 1000, t0 + dayMs, 100);
    assert.ok(series.kind === 'numeric');
    assert.deepEqual(series.max, [1, 2, 3, 4, 5, 6]);
    assert.ok(series.times.every((time, i) => i === 0 || time > (series.times[i - 1] ?? Infinity)), 'times increase');
    assert.ok((series.times[1] ?? 0) > t0, 'stamped after the stored reading');

    // NTP sets the clock: stamps follow the wall clock again.
    second.clock.nowMs = t0 + dayMs / 2;
    second.host.send(temperature(5, 7), new Date(t0 + dayMs / 2));
    const after = second.service.series(second.service.metric(5, 'temperature'), t0 + dayMs / 2, t0 + dayMs, 100);
    assert.deepEqual(after.times, [t0 + dayMs / 2]);
    assert.deepEqual(second.service.status().problems, []);
  });

  void test('retention removes old readings only', async (t) => {
    const dataDir = await dataDirOf(t);
    const first = await startService(dataDir);
    first.host.send(temperature(5, 1, null), new Date(t0));
    first.host.send(temperature(5, 2, null), new Date(t0 + 3 * dayMs));
    await first.service.stop();

    const second = await startService(dataDir, historyOn, t0 + 3 * dayMs + 1000, 0);
    t.after(() => second.service.stop());
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = second.service.status();
    assert.equal(status.retentionPasses, 1);
    // One raw reading and its two rollup rows stay within their retention, so only the raw row goes.
    assert.equal(status.retentionDeleted, 1);
    const raw = second.service.series(second.service.metric(5, 'temperature'), t0 + 2 * dayMs, t0 + 4 * dayMs, 100);
    assert.ok(raw.kind === 'numeric');
    assert.deepEqual(raw.max, [2]);
  });

  void test('removing a node deletes its history', async (t) => {
    const dataDir = await dataDirOf(t);
    const { host, service, records } = await startService(dataDir);
    t.after(() => service.stop());
    host.send(temperature(5, 1), new Date(t0));
    host.send(temperature(6, 1), new Date(t0));
    host.registry.remove(5);
    const deadline = Date.now() + 5000;
    while (!records.some((record) => record.msg === 'history of a removed node deleted') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.throws(() => service.metric(5, 'temperature'), { code: 'METRIC_NOT_FOUND' });
    assert.equal(service.metric(6, 'temperature').nodeId, 6);
    // The node speaks again: it gets fresh metric rows.
    host.send(temperature(5, 9), new Date(t0 + 1000));
    const series = service.series(service.metric(5, 'temperature'), t0, t0 + 2000, 10);
    assert.ok(series.kind === 'numeric');
    assert.deepEqual(series.max, [9]);
  });

  void test('corrupt database is set aside', async (t) => {
    const dataDir = await dataDirOf(t);
    const first = await startService(dataDir);
    await first.service.stop();
    await writeFile(path.join(dataDir, 'history.sqlite'), Buffer.alloc(8192, 0x41));

    const { host, service, records } = await startService(dataDir);
    t.after(() => service.stop());
    const problems = service.status().problems;
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /corrupt and was moved to .*history\.sqlite\.corrupt-/);
    assert.equal(records.filter((record) => record.msg?.includes('history database was corrupt')).length, 1);
    const entries = host.liveLog.recent();
    assert.equal(entries[0]?.direction, 'system');
    assert.equal(entries[0]?.kind, 'history');
    host.send(temperature(5, 1), new Date(t0));
    assert.equal(service.metric(5, 'temperature').kind, 'numeric');
  });

  void test('another live hub holds the lock', async (t) => {
    const dataDir = await dataDirOf(t);
    const first = await startService(dataDir);
    await first.service.stop();
    const other = spawn('sleep', ['30']);
    t.after(() => other.kill());
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await writeFile(path.join(dataDir, historyLockFileName), JSON.stringify({ pid: other.pid, bootId }));
    await assert.rejects(startService(dataDir), { code: 'STORAGE_LOCKED' });

    // The same pid from another boot is a stale lock.
    await writeFile(path.join(dataDir, historyLockFileName), JSON.stringify({ pid: other.pid, bootId: 'another-boot' }));
    const second = await startService(dataDir);
    await second.service.stop();
  });

  void test('disabled history answers 503', async (t) => {
    const dataDir = await dataDirOf(t);
    const { service } = await startService(dataDir, { ...historyOn, enabled: false });
    assert.equal(service.status().state, 'off');
    assert.throws(() => service.metric(5, 'temperature'), { code: 'HISTORY_DISABLED' });
    await service.stop();
  });
});
