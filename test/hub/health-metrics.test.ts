import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type HealthReport, healthProblems, minFreeBytes, readStorageFigures } from '../../src/hub/health.js';
import type { LinkStatus } from '../../src/protocol/index.js';
import { familyOf, parseExposition, sampleValue } from '../support/prometheus-text.js';
import { errorCodeOf, HubHarness, hubUsers } from './hub-harness.js';

let harness: HubHarness;
const viewer = hubUsers.viewer.name;
const operator = hubUsers.operator.name;

async function health(): Promise<HealthReport> {
  const response = await harness.request('GET', '/api/health', viewer);
  assert.equal(response.status, 200, response.body);
  return response.json as HealthReport;
}

/** Polls /api/health until `check` accepts it, for at most 5 s. */
async function healthWhen(check: (report: HealthReport) => boolean): Promise<HealthReport> {
  let report = await health();
  for (let attempt = 0; attempt < 100 && !check(report); attempt += 1) {
    await delay(50);
    report = await health();
  }
  assert.ok(check(report), `health never matched: ${JSON.stringify(report)}`);
  return report;
}

before(async () => {
  harness = await HubHarness.start();
  await healthWhen((report) => report.links[0]?.state === 'open');
});
after(() => harness.stop());

test('health reports an open hub', async () => {
  const client = await harness.websocket(viewer);
  client.socket.send('not json');
  const report = await healthWhen((current) => current.invalidClientMessages === 1);
  client.socket.close();

  assert.equal(report.status, 'ok');
  assert.deepEqual(report.reasons, []);
  assert.equal(report.links.length, 1);
  assert.equal(report.links[0]?.state, 'open');
  assert.equal(report.links[0]?.port, harness.radio.devicePath);
  assert.deepEqual(report.links[0]?.dropped, { overlong: 0, nonPrintable: 0 });
  assert.equal(report.websocketClients, 1);
  assert.equal(report.nodes, 0);
  assert.deepEqual(report.commands, { sent: 0, rejected: 0, failed: 0 });
  assert.ok(report.uptimeSeconds >= 0, `uptime ${report.uptimeSeconds}`);
  assert.ok(report.uptimeSeconds < 60, `uptime ${report.uptimeSeconds}`);
  assert.ok(report.memory.rssBytes > 0, 'rss');
  assert.ok(report.memory.heapUsedBytes > 0, 'heap used');
  assert.ok(report.memory.heapUsedBytes <= report.memory.heapTotalBytes, 'heap used within total');
  assert.equal(typeof report.storage.dataDirFreeBytes, 'number');
  assert.ok((report.storage.dataDirFreeBytes ?? 0) > 0, 'free bytes');
  assert.equal(typeof report.storage.auditBytes, 'number');
});

test('health counts nodes, drops and commands', async () => {
  await harness.radio.write('[11] MOTION BAT:3.27v SS:-64\n[x] hello\n');
  const afterLines = await healthWhen((report) => report.nodes === 1 && Object.values(report.links[0]?.dropped ?? {}).some((count) => count > 0));
  assert.equal(afterLines.links[0]?.dropped.badId, 1, JSON.stringify(afterLines.links[0]?.dropped));

  const sent = await harness.request('POST', '/api/nodes/11/commands', operator, { payload: 'OPN' });
  assert.equal(sent.status, 202, sent.body);
  const toGateway = await harness.request('POST', '/api/nodes/1/commands', operator, { payload: 'OPN' });
  assert.equal(toGateway.status, 400, toGateway.body);
  const forbidden = await harness.request('POST', '/api/nodes/11/commands', viewer, { payload: 'OPN' });
  assert.equal(forbidden.status, 403);

  const report = await health();
  assert.equal(report.commands.sent, 1);
  assert.equal(report.commands.rejected, 1, 'the route check stops a viewer before the command service counts it');
  assert.equal(report.commands.failed, 0);
  const audited = await healthWhen((current) => (current.storage.auditBytes ?? 0) > 0);
  assert.ok((audited.storage.auditBytes ?? 0) > 0);
});

test('metrics parse as text format', async () => {
  await healthWhen((report) => report.nodes === 1);
  const response = await harness.request('GET', '/api/metrics', viewer);
  assert.equal(response.status, 200, response.body);

  const metrics = parseExposition(response.body);
  for (const sample of metrics.samples) {
    const family = familyOf(sample.name, metrics.types);
    assert.ok(family !== undefined, `no TYPE for ${sample.name}`);
    assert.ok(metrics.help.has(family), `no HELP for ${family}`);
  }
  assert.equal(metrics.types.get('gatehouse_up'), 'gauge');
  assert.equal(metrics.types.get('gatehouse_commands_total'), 'counter');
  assert.equal(sampleValue(metrics, 'gatehouse_up'), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_link_open', { port: harness.radio.devicePath }), 1);
  assert.ok(sampleValue(metrics, 'gatehouse_link_lines_read_total') >= 2);
  assert.equal(sampleValue(metrics, 'gatehouse_link_lines_dropped_total', { reason: 'badId' }), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_link_lines_dropped_total', { reason: 'overlong' }), 0);
  assert.equal(sampleValue(metrics, 'gatehouse_websocket_clients'), 0);
  assert.equal(sampleValue(metrics, 'gatehouse_nodes'), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_commands_total', { result: 'sent' }), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_commands_total', { result: 'rejected' }), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_commands_total', { result: 'failed' }), 0);
  assert.equal(sampleValue(metrics, 'gatehouse_node_rssi_dbm', { node: '11' }), -64);
  const lastSeen = sampleValue(metrics, 'gatehouse_node_last_seen_seconds', { node: '11' });
  assert.ok(Math.abs(Date.now() / 1000 - lastSeen) < 60, `last seen ${lastSeen}`);
  assert.ok(sampleValue(metrics, 'process_resident_memory_bytes') > 0, 'default process metrics');
  assert.equal(metrics.types.get('nodejs_heap_size_used_bytes'), 'gauge');
});

test('metrics content type', async () => {
  const { status, contentType } = await rawHeaders('/api/metrics');
  assert.equal(status, 200);
  assert.match(contentType, /^text\/plain; version=0\.0\.4(;|$)/);
});

test('metrics needs a known user', async () => {
  const unknown = await harness.request('GET', '/api/metrics', 'nobody');
  assert.equal(unknown.status, 403);
  assert.equal(errorCodeOf(unknown), 'AUTH_FORBIDDEN');
  const posted = await harness.request('POST', '/api/metrics', viewer, {});
  assert.equal(posted.status, 404);
});

test('metrics registries are per hub', async () => {
  const second = await HubHarness.start();
  try {
    const response = await second.request('GET', '/api/metrics', viewer);
    assert.equal(response.status, 200, response.body);
    const metrics = parseExposition(response.body);
    assert.equal(sampleValue(metrics, 'gatehouse_nodes'), 0, 'the second hub heard no node');
    assert.equal(metrics.samples.filter((sample) => sample.name === 'gatehouse_link_open').length, 1);
    const first = parseExposition((await harness.request('GET', '/api/metrics', viewer)).body);
    assert.equal(sampleValue(first, 'gatehouse_nodes'), 1, 'the first hub keeps its own figures');
  } finally {
    await second.stop();
  }
});

test('ping interval changes live', async () => {
  const client = await harness.websocket(viewer);
  let pings = 0;
  client.socket.on('ping', () => {
    pings += 1;
  });
  try {
    harness.hub.setPingInterval(50);
    for (let attempt = 0; attempt < 100 && pings < 3; attempt += 1) {
      await delay(20);
    }
    assert.ok(pings >= 3, `${pings} pings in 2 s with a 50 ms interval`);
    assert.equal(client.socket.readyState, client.socket.OPEN, 'a client that answers pings stays');
  } finally {
    harness.hub.setPingInterval(30_000);
    client.socket.close();
  }
});

test('health degraded when link closes', async () => {
  await harness.radio.stop();
  const report = await healthWhen((current) => current.links[0]?.state !== 'open');
  assert.equal(report.status, 'degraded');
  assert.equal(report.reasons.length, 1, JSON.stringify(report.reasons));
  assert.match(report.reasons[0] ?? '', /^radio link .* is (connecting|closed|failed)/);

  const refused = await harness.request('POST', '/api/nodes/11/commands', operator, { payload: 'OPN' });
  assert.equal(refused.status, 503, refused.body);
  const counted = await health();
  assert.equal(counted.commands.failed, 1);
  const metrics = parseExposition((await harness.request('GET', '/api/metrics', viewer)).body);
  assert.equal(sampleValue(metrics, 'gatehouse_link_open', { port: harness.radio.devicePath }), 0);
  assert.equal(sampleValue(metrics, 'gatehouse_commands_total', { result: 'failed' }), 1);
});

const openLink: LinkStatus = { gateway: 'radio', dialect: 'moteino', warning: null, state: 'open', port: '/dev/ttyUSB0', since: '2024-01-01T00:00:00.000Z', reason: null, retryInMs: null, linesRead: 0, dropped: {} };
const plenty = { dataDirFreeBytes: 10 * minFreeBytes, auditBytes: 0, problems: [] };

test('health problems table', () => {
  const cases: Array<[string, Parameters<typeof healthProblems>, RegExp[]]> = [
    ['all well', [[openLink], plenty], []],
    ['failed link', [[{ ...openLink, state: 'failed', reason: 'permission denied' }], plenty], [/^radio link radio \(\/dev\/ttyUSB0\) is failed: permission denied$/]],
    ['connecting link', [[{ ...openLink, state: 'connecting' }], plenty], [/^radio link radio \(\/dev\/ttyUSB0\) is connecting$/]],
    ['exactly the minimum', [[openLink], { ...plenty, dataDirFreeBytes: minFreeBytes }], []],
    ['one byte short', [[openLink], { ...plenty, dataDirFreeBytes: minFreeBytes - 1 }], [/^the data directory has 100\.0 MiB free, less than 100\.0 MiB$/]],
    ['no space', [[openLink], { ...plenty, dataDirFreeBytes: 0 }], [/has 0\.0 MiB free/]],
    ['unknown space', [[openLink], { dataDirFreeBytes: null, auditBytes: null, problems: ['statfs failed: EACCES'] }], [/^statfs failed: EACCES$/]],
  ];
  for (const [name, input, expected] of cases) {
    const problems = healthProblems(...input);
    assert.equal(problems.length, expected.length, `${name}: ${JSON.stringify(problems)}`);
    expected.forEach((pattern, index) => assert.match(problems[index] ?? '', pattern, name));
  }
});

test('storage figures of a missing folder', async () => {
  const figures = await readStorageFigures(path.join(tmpdir(), 'gatehouse-no-such-folder', 'data'));
  assert.equal(figures.dataDirFreeBytes, null);
  assert.equal(figures.auditBytes, 0, 'no audit folder yet is no problem');
  assert.equal(figures.problems.length, 1);
  assert.match(figures.problems[0] ?? '', /free space .* could not be read: ENOENT/);
});

test('storage counts regular audit files', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-storage-'));
  try {
    const audit = path.join(dataDir, 'audit');
    await mkdir(path.join(audit, 'nested'), { recursive: true });
    await writeFile(path.join(audit, 'hub.jsonl'), '0123456789');
    await writeFile(path.join(audit, 'hub.jsonl.1'), 'abcde');
    await writeFile(path.join(audit, 'nested', 'inner.jsonl'), 'x'.repeat(1000));
    await writeFile(path.join(dataDir, 'outside'), 'y'.repeat(5000));
    await symlink(path.join(dataDir, 'outside'), path.join(audit, 'link.jsonl'));
    const figures = await readStorageFigures(dataDir);
    assert.equal(figures.auditBytes, 15, 'only the regular files directly in the folder');
    assert.ok((figures.dataDirFreeBytes ?? 0) > 0);
    assert.deepEqual(figures.problems, []);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('exposition parser rejects bad lines', () => {
  assert.throws(() => parseExposition('gatehouse_up one\n'), /unreadable value/);
  assert.throws(() => parseExposition('gatehouse_up\n'), /unreadable sample/);
  assert.throws(() => parseExposition('0bad 1\n'), /unreadable sample/);
  assert.throws(() => parseExposition('gatehouse_up{port=unquoted} 1\n'), /unreadable labels/);
  assert.throws(() => parseExposition('# HELPX gatehouse_up text\n'), /unreadable comment/);
  const parsed = parseExposition('# TYPE a gauge\na{b="x\\"y",c="1"} -2.5\n');
  assert.equal(sampleValue(parsed, 'a', { b: 'x"y' }), -2.5);
  assert.throws(() => sampleValue(parsed, 'a', { b: 'other' }), /found 0/);
  assert.ok(Number.isNaN(sampleValue(parseExposition('lag Nan\n'), 'lag')), 'NaN in any case, as Prometheus reads it');
});

/** The response headers of a GET as the viewer, read directly because HubHarness.request returns none. */
async function rawHeaders(requestPath: string): Promise<{ status: number; contentType: string }> {
  const response = await fetch(`http://127.0.0.1:${harness.hub.port}${requestPath}`, {
    headers: { 'x-gatehouse-secret': harness.secret, 'x-gatehouse-user': viewer, 'x-gatehouse-client': '192.0.2.12' },
  });
  await response.arrayBuffer();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '' };
}
