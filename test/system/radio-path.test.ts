import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Stack, users } from '../support/stack.js';

let stack: Stack;
before(async () => {
  stack = await Stack.start();
  await stack.hub?.waitForLine(/"state":"open"/);
});
after(() => stack.stop());

type Json = Record<string, unknown>;
const isNode = (id: number) => (message: Json) => message.type === 'node' && (message.node as { id: number }).id === id;

test('serial line reaches a websocket client', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await stack.radio.write('[11] MOTION BAT:3.27v SS:-64\n');

  const message = await socket.waitFor(isNode(11));
  await socket.close();
  const node = message.node as { id: number; rssi: number; lastSeen: string; metrics: Record<string, { value: unknown; unit: unknown; time: string }> };
  assert.equal(node.rssi, -64);
  assert.ok(!Number.isNaN(Date.parse(node.lastSeen)));
  assert.equal(node.metrics.battery?.value, 3.27);
  assert.equal(node.metrics.battery?.unit, 'V');
});

test('REST lists nodes and one node', async () => {
  await stack.radio.write('[21] BAT:3.31v F:71.36 H:44.20 P:29.87 X:12 SS:-77\n');
  let nodes: Array<{ id: number }> = [];
  for (let attempt = 0; attempt < 50 && !nodes.some((node) => node.id === 21); attempt += 1) {
    nodes = JSON.parse((await stack.request('/api/nodes', { user: users.viewer })).body) as Array<{ id: number }>;
    await delay(20);
  }
  assert.ok(nodes.some((node) => node.id === 21));

  const one = await stack.request('/api/nodes/21', { user: users.viewer });
  assert.equal(one.status, 200);
  assert.equal((JSON.parse(one.body) as { rssi: number }).rssi, -77);

  const missing = await stack.request('/api/nodes/999', { user: users.viewer });
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'NODE_NOT_FOUND');

  const invalid = await stack.request('/api/nodes/abc', { user: users.viewer });
  assert.equal(invalid.status, 400);
});

test('operator websocket command reaches the radio', async () => {
  const socket = await stack.websocket({ user: users.operator });
  await socket.waitFor((message) => message.type === 'snapshot');
  socket.send({ type: 'command', id: 'c1', nodeId: 14, payload: 'OPN' });

  const reply = await socket.waitFor((message) => message.id === 'c1');
  await socket.close();
  assert.equal(reply.type, 'reply');
  await stack.radio.waitForLine('14:OPN');
});

test('operator REST command reaches the radio', async () => {
  const result = await stack.request('/api/nodes/33/commands', { user: users.operator, method: 'POST', body: { payload: 'BTN1:1' } });
  assert.equal(result.status, 202);
  const command = JSON.parse(result.body) as { id: string; state: string };
  assert.equal(command.state, 'sent');
  assert.equal(typeof command.id, 'string');
  await stack.radio.waitForLine('33:BTN1:1');
});

test('viewer commands are forbidden', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  socket.send({ type: 'command', id: 'v1', nodeId: 14, payload: 'CLS' });
  const reply = await socket.waitFor((message) => message.id === 'v1');
  await socket.close();
  assert.equal(reply.type, 'error');
  assert.equal((reply.error as { code: string }).code, 'AUTH_FORBIDDEN');
  assert.match((reply.error as { message: string }).message, /forbidden/);

  const rest = await stack.request('/api/nodes/14/commands', { user: users.viewer, method: 'POST', body: { payload: 'CLS' } });
  assert.equal(rest.status, 403);
  assert.match(rest.body, /forbidden/);
  assert.doesNotMatch(stack.radio.received, /14:CLS/);
});

test('invalid commands get 400', async () => {
  const cases: unknown[] = [{ payload: 'X'.repeat(40) }, { payload: 'A\nB' }, { payload: '' }, { nope: 1 }, 'text'];
  for (const body of cases) {
    const result = await stack.request('/api/nodes/14/commands', { user: users.admin, method: 'POST', body });
    assert.equal(result.status, 400, JSON.stringify(body));
  }
  const gateway = await stack.request('/api/nodes/1/commands', { user: users.admin, method: 'POST', body: { payload: 'OPN' } });
  assert.equal(gateway.status, 400);
});

test('invalid websocket messages get an error reply', async () => {
  const socket = await stack.websocket({ user: users.admin });
  await socket.waitFor((message) => message.type === 'snapshot');
  socket.socket.send('not json');
  socket.send({ type: 'command', id: 'x', nodeId: 'fourteen', payload: 'OPN' });
  socket.send({ type: 'shutdown' });
  await delay(200);
  const errors = socket.messages.filter((message) => message.type === 'error');
  await socket.close();
  assert.equal(errors.length, 3);
  for (const error of errors) {
    assert.equal((error.error as { code: string }).code, 'PROTOCOL_MESSAGE_INVALID');
  }
});

test('malformed sample lines never crash the hub', async () => {
  const samples = await readFile(new URL('../fixtures/serial/moteino-samples.txt', import.meta.url), 'latin1');
  const lines = samples
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\\x([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\r/g, '\r'));
  await stack.radio.write(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
  await stack.radio.write(Buffer.from([0xff, 0xfe, 0x00, 0x0a]));
  await stack.radio.write(`${'A'.repeat(5000)}\n`);

  const socket = await stack.websocket({ user: users.viewer });
  await stack.radio.write('[62] WS:4.5 WDIR:NNE BAT:3.90v X:28 SS:-88\n');
  const update = await socket.waitFor(isNode(62));
  await socket.close();
  assert.equal((update.node as { rssi: number }).rssi, -88);

  const health = JSON.parse((await stack.request('/api/health', { user: users.viewer })).body) as { links: Array<{ dropped: Record<string, number> }> };
  const dropped = Object.values(health.links[0]?.dropped ?? {}).reduce((sum, count) => sum + count, 0);
  assert.ok(dropped >= 5, `dropped ${JSON.stringify(health.links[0]?.dropped)}`);
  assert.equal(stack.hub?.child.exitCode, null);
});

test('unplugged radio closes and resumes the link', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await stack.radio.stop();
  await socket.waitFor((message) => message.type === 'link' && (message.link as { state: string }).state === 'closed', 10_000);

  const health = JSON.parse((await stack.request('/api/health', { user: users.viewer })).body) as { links: Array<{ state: string }> };
  assert.notEqual(health.links[0]?.state, 'open');

  await stack.radio.start();
  await socket.waitFor((message) => message.type === 'link' && (message.link as { state: string }).state === 'open', 15_000);
  await stack.radio.write('[18] OPN BAT:3.90v SS:-69\n');
  await socket.waitFor(isNode(18));
  await socket.close();
  assert.equal(stack.hub?.child.exitCode, null);
});
