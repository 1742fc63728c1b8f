import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/index.js';
import { NodeTypeCatalog } from '../../src/domain/index.js';
import type { Node } from '../../src/protocol/index.js';
import { errorCodeOf, HubHarness, hubUsers } from './hub-harness.js';
import { hearNode, linkOpen, messagesOf, waitFor } from './hub-waits.js';

let harness: HubHarness;
const operator = hubUsers.operator.name;
const viewer = hubUsers.viewer.name;
const admin = hubUsers.admin.name;
/** Milliseconds added to the real clock, so a test can make the hub see a minute of silence pass. */
let clockOffsetMs = 0;

before(async () => {
  harness = await HubHarness.start({
    nodeTypes: new NodeTypeCatalog(
      { QuietMote: { kind: 'generic', metrics: [], offlineAfterMinutes: 1 } },
      { '30': { type: 'WaterMote', name: 'Water meter' }, '45': { type: 'QuietMote' } },
    ),
    lifecycle: { saveDelayMs: 200, sweepIntervalMs: 50 },
    now: () => new Date(Date.now() + clockOffsetMs),
  });
  await linkOpen(harness);
});
after(() => harness.stop());

async function nodeOf(id: number): Promise<Node> {
  const response = await harness.request('GET', `/api/nodes/${id}`, viewer);
  assert.equal(response.status, 200, response.body);
  return response.json as Node;
}

test('type token and battery threshold', async () => {
  await hearNode(harness, '[11] START [TYPE:MotionMote] SS:-61', 11);
  await hearNode(harness, '[11] MOTION BAT:2.80v SS:-64', 11);
  const low = await nodeOf(11);
  assert.equal(low.type, 'MotionMote');
  assert.equal(low.kind, 'motion');
  assert.equal(low.batteryLow, true);
  assert.ok(low.firstSeen !== null);

  await hearNode(harness, '[11] MOTION BAT:3.27v SS:-64', 11);
  const fine = await nodeOf(11);
  assert.equal(fine.batteryLow, false);
  assert.equal(fine.type, 'MotionMote', 'the type stays without a TYPE token');
});

test('config sets type and name', async () => {
  await hearNode(harness, '[30] GAL:48213.7 GPM:2.35 SS:-73', 30);
  const node = await nodeOf(30);
  assert.equal(node.type, 'WaterMote');
  assert.equal(node.kind, 'water');
  assert.equal(node.name, 'Water meter');
  assert.equal(node.metrics.waterTotal?.value, 48213.7);
});

test('silent node goes offline and back', async () => {
  const client = await harness.websocket(viewer);
  try {
    await hearNode(harness, '[45] X:1 SS:-70', 45);
    assert.equal((await nodeOf(45)).offline, false);
    clockOffsetMs = 61_000;
    const offline = await waitFor('the offline node message', () =>
      messagesOf(client.messages, 'node').find((message) => (message.node as Node).id === 45 && (message.node as Node).offline),
    );
    assert.equal((offline.node as Node).offline, true);
    assert.equal((await nodeOf(11)).offline, false, 'a motion node allows 180 minutes');

    await hearNode(harness, '[45] X:2 SS:-70', 45);
    assert.equal((await nodeOf(45)).offline, false);
  } finally {
    clockOffsetMs = 0;
    client.socket.close();
  }
});

test('rename, hide and pin', async () => {
  const patched = await harness.request('PATCH', '/api/nodes/11', operator, { name: 'Mailbox', hidden: true, pinned: ['motion', 'battery'] });
  assert.equal(patched.status, 200, patched.body);
  const node = await nodeOf(11);
  assert.equal(node.name, 'Mailbox');
  assert.equal(node.hidden, true);
  assert.deepEqual(node.pinned, ['motion', 'battery']);

  const cleared = await harness.request('PATCH', '/api/nodes/11', admin, { name: null, hidden: false });
  assert.equal(cleared.status, 200);
  assert.equal((await nodeOf(11)).name, null);
  assert.deepEqual((await nodeOf(11)).pinned, ['motion', 'battery'], 'fields left out stay');
});

test('markup in names is stored as text', async () => {
  const markup = '<img src=x onerror=alert(1)>';
  const patched = await harness.request('PATCH', '/api/nodes/30', operator, { name: markup });
  assert.equal(patched.status, 200);
  const response = await harness.request('GET', '/api/nodes/30', viewer);
  assert.equal((response.json as Node).name, markup);
  assert.ok(!response.body.includes('&lt;'), 'not escaped into HTML entities either');
});

test('bad node updates are rejected', async () => {
  const cases: Array<{ body: unknown; status: number; code: string }> = [
    { body: { name: 'x'.repeat(41) }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { name: 'y'.repeat(10_000) }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { name: '   ' }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { hidden: 'yes' }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { pinned: Array.from({ length: 9 }, (_, index) => `m${index}`) }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { kind: 'GarageMote' }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: '{"name": ', status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
  ];
  for (const entry of cases) {
    const response = await harness.request('PATCH', '/api/nodes/30', operator, entry.body as object);
    assert.equal(response.status, entry.status, `${JSON.stringify(entry.body).slice(0, 60)}: ${response.body.slice(0, 200)}`);
    assert.equal(errorCodeOf(response), entry.code);
  }
  // What `curl -d '{"name":"x"}'` sends without -H 'Content-Type: application/json'.
  const form = await harness.request('PATCH', '/api/nodes/30', operator, '{"name":"Form"}', 'application/x-www-form-urlencoded');
  assert.equal(form.status, 415, form.body);
  assert.equal(errorCodeOf(form), 'PROTOCOL_MEDIA_TYPE');
  assert.match(form.body, /Content-Type: application\/json/);
  const unknown = await harness.request('PATCH', '/api/nodes/999', operator, { name: 'Ghost' });
  assert.equal(unknown.status, 404);
  assert.equal(errorCodeOf(unknown), 'NODE_NOT_FOUND');
  const byViewer = await harness.request('PATCH', '/api/nodes/30', viewer, { name: 'Mine' });
  assert.equal(byViewer.status, 403);
  assert.equal((await nodeOf(30)).name, '<img src=x onerror=alert(1)>', 'no rejected update changed the node');
});

test('restart keeps node settings', async () => {
  await harness.request('PATCH', '/api/nodes/11', operator, { name: 'Mailbox', hidden: true });
  const before = await nodeOf(11);
  await harness.restartHub();

  const file = path.join(harness.dataDir, 'nodes.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const saved = JSON.parse(await readFile(file, 'utf8')) as { nodes: Array<Record<string, unknown>> };
  assert.ok(saved.nodes.every((node) => !('metrics' in node)), 'readings are history, not node settings');

  const after = await nodeOf(11);
  assert.equal(after.name, 'Mailbox');
  assert.equal(after.hidden, true);
  assert.deepEqual(after.pinned, ['motion', 'battery']);
  assert.equal(after.type, 'MotionMote');
  assert.equal(after.firstSeen, before.firstSeen);
  assert.equal(after.lastSeen, before.lastSeen);
  await linkOpen(harness);
});

test('delete node is admin only', async () => {
  const client = await harness.websocket(viewer);
  try {
    const byOperator = await harness.request('DELETE', '/api/nodes/45', operator);
    assert.equal(byOperator.status, 403);
    const deleted = await harness.request('DELETE', '/api/nodes/45', admin);
    assert.equal(deleted.status, 204, deleted.body);
    await waitFor('the nodeRemoved message', () => messagesOf(client.messages, 'nodeRemoved').find((message) => message.nodeId === 45));
    const gone = await harness.request('GET', '/api/nodes/45', viewer);
    assert.equal(gone.status, 404);
    const again = await harness.request('DELETE', '/api/nodes/45', admin);
    assert.equal(again.status, 404);
  } finally {
    client.socket.close();
  }

  await harness.audit.flush();
  const audit = await harness.request('GET', '/api/audit?kind=nodeChanged', admin);
  const events = audit.json as AuditEvent[];
  assert.ok(events.some((event) => event.detail?.action === 'deleted' && event.detail.nodeId === 45 && event.user === admin));
  assert.ok(events.some((event) => event.detail?.action === 'updated' && event.detail.nodeId === 11));
});

test('deleted node stays deleted after restart', async () => {
  await harness.restartHub();
  const gone = await harness.request('GET', '/api/nodes/45', viewer);
  assert.equal(gone.status, 404);
  await linkOpen(harness);
});
