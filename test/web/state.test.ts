// Unit tests of the UI's browser-independent parts: backoff, formatting, URL and the store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, type LinkStatus, type Node, nodeSchema } from '../../src/protocol/index.js';
import { retryDelayMs } from '../../web/src/backoff.js';
import { formatAge, formatDelay, formatMetricValue } from '../../web/src/format.js';
import { HubStore } from '../../web/src/hub-store.js';
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
  store.applySnapshot({ name: 'alice', role: 'operator' }, [link], [node(3, 1), node(7, 2)], 0);
  const nodeThree = store.node(3);

  store.applySnapshot({ name: 'alice', role: 'operator' }, [link], [node(3, 5), node(9, 6)], 0);

  assert.deepEqual(store.nodeIds.get(), [3, 9]);
  assert.equal(store.node(3), nodeThree);
  assert.equal(store.node(3)?.get().metrics['temperature']?.value, 5);
  assert.equal(store.node(7), undefined);
});

void test('node update leaves ids alone', () => {
  const store = new HubStore();
  store.applySnapshot({ name: 'alice', role: 'viewer' }, [link], [node(3, 1)], 0);
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
