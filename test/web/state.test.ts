// Unit tests of the UI's browser-independent parts: backoff, formatting, URL and the store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, type HistorySeries, type LinkStatus, type LogEntry, type Node, type NodeRequest, nodeSchema } from '../../src/protocol/index.js';
import { retryDelayMs } from '../../web/src/backoff.js';
import { formatAge, formatDelay, formatMetricValue, metricLabel } from '../../web/src/format.js';
import { appendReading, historyUrl, initialRange, stateSegments } from '../../web/src/history.js';
import { HubStore, maxLogEntries } from '../../web/src/hub-store.js';
import { parseRoute } from '../../web/src/routes.js';
import { webSocketUrl } from '../../web/src/web-socket-url.js';

const link: LinkStatus = {
  gateway: 'radio',
  dialect: 'moteino',
  warning: null,
  state: 'open',
  port: '/dev/ttyUSB0',
  since: '2026-01-01T00:00:00.000Z',
  reason: null,
  retryInMs: null,
  linesRead: 0,
  dropped: {},
};

function node(id: number, value: number): Node {
  return nodeSchema.parse({
    id,
    lastSeen: '2026-01-01T00:00:00.000Z',
    rssi: null,
    packets: 1,
    metrics: { temperature: { value, unit: '°C', time: '2026-01-01T00:00:00.000Z' } },
  });
}

function sentCommand(id: string, nodeId: number): Command {
  return { id, nodeId, payload: 'OPN', state: 'sent', time: '2026-01-01T00:00:01.000Z' };
}

void test('backoff doubles up to 30 s', () => {
  const delays = [0, 1, 2, 3, 4, 5, 6, 20].map(retryDelayMs);
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

void test('age formats by unit', () => {
  const cases: [number, string][] = [
    [-5000, 'just now'],
    [999, 'just now'],
    [12_400, '12 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3_600_000, '1 h ago'],
    [49 * 3_600_000, '2 d ago'],
  ];
  for (const [ageMs, expected] of cases) {
    assert.equal(formatAge(ageMs), expected, `age ${ageMs} ms`);
  }
});

void test('delay rounds up to seconds', () => {
  assert.equal(formatDelay(4001), '5 s');
  assert.equal(formatDelay(-20), '0 s');
});

void test('metric value joins its unit', () => {
  assert.equal(formatMetricValue({ value: 21.5, unit: '°C', time: '' }), '21.5 °C');
  assert.equal(formatMetricValue({ value: 'open', unit: null, time: '' }), 'open');
  assert.equal(formatMetricValue({ value: 3, unit: '', time: '' }), '3');
});

void test('websocket URL follows the page scheme', () => {
  assert.equal(webSocketUrl({ protocol: 'https:', host: 'home.lan' }), 'wss://home.lan/ws');
  assert.equal(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8443' }), 'ws://127.0.0.1:8443/ws');
});

void test('snapshot keeps existing node observables', () => {
  const store = new HubStore();
  store.applySnapshot({ name: 'alice', role: 'operator' }, [link], [node(3, 1), node(7, 2)], [], 0);
  const nodeThree = store.node(3);

  store.applySnapshot({ name: 'alice', role: 'operator' }, [link], [node(3, 5), node(9, 6)], [], 0);

  assert.deepEqual(store.nodeIds.get(), [3, 9]);
  assert.equal(store.node(3), nodeThree);
  assert.equal(store.node(3)?.get().metrics['temperature']?.value, 5);
  assert.equal(store.node(7), undefined);
});

void test('node update leaves ids alone', () => {
  const store = new HubStore();
  store.applySnapshot({ name: 'alice', role: 'viewer' }, [link], [node(3, 1)], [], 0);
  const ids = store.nodeIds.get();

  store.applyNode(node(3, 2));
  assert.equal(store.nodeIds.get(), ids);

  store.applyNode(node(1, 2));
  assert.deepEqual(store.nodeIds.get(), [1, 3]);
});

void test('reply and error reach their node', () => {
  const store = new HubStore();
  store.commandSent('command-1', 3, 'OPN');
  store.commandSent('command-2', 7, 'XYZ');

  store.applyReply('command-1', sentCommand('command-1', 3));
  store.applyError('command-2', { code: 'PROTOCOL_INVALID_COMMAND', message: 'no such command' });
  store.applyError('command-99', { code: 'HUB_BUSY', message: 'busy' });

  assert.equal(store.command(3).get()?.state, 'sent');
  assert.equal(store.command(7).get()?.state, 'error');
  assert.equal(store.command(7).get()?.message, 'no such command');
  assert.equal(store.hubError.get()?.code, 'HUB_BUSY');
});

void test('lost connection fails pending commands', () => {
  const store = new HubStore();
  store.commandSent('command-1', 3, 'OPN');

  store.connectionLost();

  assert.equal(store.command(3).get()?.state, 'error');
  assert.match(store.command(3).get()?.message ?? '', /connection closed before the hub replied/);
});

void test('reply to another id is ignored', () => {
  const store = new HubStore();
  store.commandSent('command-1', 3, 'OPN');

  store.applyReply('command-5', sentCommand('command-5', 3));

  assert.equal(store.command(3).get()?.state, 'pending');
});

void test('drops are counted by reason', () => {
  const store = new HubStore();
  store.countDrop('invalidJson');
  store.countDrop('invalidMessage');
  store.countDrop('invalidMessage');
  assert.deepEqual(store.dropped.get(), { invalidJson: 1, invalidMessage: 2 });
});

function request(id: string, state: NodeRequest['state'], updatedAt: string): NodeRequest {
  return {
    id,
    gateway: 'radio',
    nodeId: 21,
    name: 'P_TXP',
    value: '20',
    state,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
    expiresAt: '2026-01-02T00:00:00.000Z',
    user: 'alice',
  };
}

void test('links are kept per gateway', () => {
  const store = new HubStore();
  store.applySnapshot({ name: 'alice', role: 'viewer' }, [link, { ...link, gateway: 'attic', dialect: 'mysensors' }], [], [], 0);

  store.applyLink({ ...link, gateway: 'attic', state: 'failed', reason: 'gone' }, 5);
  store.applyLink({ ...link, gateway: 'garden' }, 6);

  const links = store.links.get();
  assert.deepEqual(
    links.map((one) => [one.status.gateway, one.status.state]),
    [
      ['radio', 'open'],
      ['attic', 'failed'],
      ['garden', 'open'],
    ],
  );
  assert.equal(links[1]?.receivedAt, 5);
});

void test('older REST request loses to newer', () => {
  const store = new HubStore();
  store.applyRequest(request('r1', 'ok', '2026-01-01T00:05:00.000Z'));

  store.mergeRequests([request('r1', 'pending', '2026-01-01T00:00:00.000Z'), request('r2', 'timedOut', '2026-01-01T00:09:00.000Z')]);

  assert.equal(store.requests.get().get('r1')?.state, 'ok');
  assert.equal(store.requests.get().get('r2')?.state, 'timedOut');
});

void test('log keeps the newest entries', () => {
  const store = new HubStore();
  const entry = (index: number): LogEntry => ({ time: new Date(index).toISOString(), gateway: 'radio', direction: 'in', kind: 'packet', nodeId: 1, text: `line ${index}` });
  store.appendLog(Array.from({ length: maxLogEntries - 1 }, (_, index) => entry(index)));
  store.appendLog([entry(100_000), entry(100_001), entry(100_002)]);

  const entries = store.logEntries.get();
  assert.equal(entries.length, maxLogEntries);
  assert.equal(entries[0]?.text, 'line 2');
  assert.equal(entries.at(-1)?.text, 'line 100002');
});

void test('queued command later reports sent', () => {
  const store = new HubStore();
  store.commandSent('command-1', 3, 'OPN');
  store.applyReply('command-1', { ...sentCommand('hub-7', 3), state: 'queued' });
  assert.equal(store.command(3).get()?.state, 'queued');

  store.applyCommand(sentCommand('hub-7', 3));

  assert.equal(store.command(3).get()?.state, 'sent');
});

void test('removed node leaves the ids', () => {
  const store = new HubStore();
  store.applySnapshot({ name: 'alice', role: 'admin' }, [link], [node(3, 1), node(7, 2)], [], 0);

  store.removeNode(3);
  store.removeNode(99);

  assert.deepEqual(store.nodeIds.get(), [7]);
  assert.equal(store.node(3), undefined);
});

void test('routes parse from the hash', () => {
  assert.deepEqual(parseRoute(''), { page: 'dashboard' });
  assert.deepEqual(parseRoute('#/'), { page: 'dashboard' });
  assert.deepEqual(parseRoute('#/node/14'), { page: 'node', nodeId: 14 });
  assert.deepEqual(parseRoute('#/node/1023'), { page: 'node', nodeId: 1023 });
  assert.deepEqual(parseRoute('#/log'), { page: 'log' });
  assert.deepEqual(parseRoute('#/settings'), { page: 'settings' });
  for (const bad of ['#/node/0', '#/node/1024', '#/node/014', '#/node/x', '#/node/3/extra', '#/nodes', '#<img>']) {
    assert.equal(parseRoute(bad).page, 'notFound', bad);
  }
});

const numeric: HistorySeries = {
  kind: 'numeric',
  nodeId: 3,
  metric: 'temperature',
  unit: '°C',
  resolution: 'raw',
  from: 1000,
  to: 5000,
  times: [2000, 3000],
  min: [20, 21],
  max: [20, 21],
  mean: [20, 21],
};

void test('live reading extends a series', () => {
  const extended = appendReading(numeric, 6000, 22);
  assert.equal(extended.kind, 'numeric');
  assert.deepEqual(extended.times, [2000, 3000, 6000]);
  assert.equal(extended.to, 6000);
  if (extended.kind === 'numeric') {
    assert.deepEqual(extended.mean, [20, 21, 22]);
  }
  // Not newer than the last point, before the range, or text on a numeric series: unchanged.
  assert.equal(appendReading(numeric, 3000, 22), numeric);
  assert.equal(appendReading(numeric, 500, 22), numeric);
  assert.equal(appendReading(numeric, 7000, 'OPEN'), numeric);
});

void test('state series splits into segments', () => {
  const series: HistorySeries = { kind: 'state', nodeId: 14, metric: 'state', from: 0, to: 100, initial: 'CLOSED', times: [20, 60], states: ['OPEN', 'CLOSED'] };
  assert.deepEqual(stateSegments(series, 100), [
    { state: 'CLOSED', start: 0, end: 20 },
    { state: 'OPEN', start: 20, end: 60 },
    { state: 'CLOSED', start: 60, end: 100 },
  ]);
  const same = appendReading(series, 80, 'CLOSED');
  assert.equal(same.times.length, 2);
  const changed = appendReading(series, 80, 'OPENING');
  assert.deepEqual(changed.times, [20, 60, 80]);
});

void test('history URL encodes the metric', () => {
  assert.equal(historyUrl(3, 'a/b c', 10, 20, 500), '/api/nodes/3/metrics/a%2Fb%20c/history?from=10&to=20&points=500');
});

test('initialRange: day, or hour for new nodes', () => {
  const now = Date.parse('2026-06-01T12:00:00.000Z');
  assert.equal(initialRange(null, now), 'day');
  assert.equal(initialRange('not a time', now), 'day');
  assert.equal(initialRange('2026-06-01T11:55:00.000Z', now), 'hour');
  assert.equal(initialRange('2026-06-01T10:00:00.001Z', now), 'hour');
  assert.equal(initialRange('2026-06-01T10:00:00.000Z', now), 'day');
  assert.equal(initialRange('2025-01-01T00:00:00.000Z', now), 'day');
});

test('metric names read as words', () => {
  assert.equal(metricLabel('timeSinceMotion'), 'time since motion');
  assert.equal(metricLabel('temperature1'), 'temperature 1');
  assert.equal(metricLabel('battery'), 'battery');
  assert.equal(metricLabel('txLevel'), 'tx level');
  assert.equal(metricLabel('<b>bold</b>'), '<b>bold</b>');
  assert.equal(metricLabel('GPM'), 'gpm');
});
