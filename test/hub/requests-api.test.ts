import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/index.js';
import type { NodeRequest } from '../../src/protocol/index.js';
import { errorCodeOf, errorMessageOf, HubHarness, hubUsers } from './hub-harness.js';
import { hearNode, linkOpen, messagesOf, timesWritten, waitFor } from './hub-waits.js';

let harness: HubHarness;
const operator = hubUsers.operator.name;
const viewer = hubUsers.viewer.name;
const admin = hubUsers.admin.name;

before(async () => {
  harness = await HubHarness.start({ commands: { queueTtlSeconds: 60, queueMaxCommands: 0, requestTimeoutMinutes: 30 } });
  await linkOpen(harness);
  await hearNode(harness, '[21] F:7136 H:44.20 SS:-77', 21);
});
after(() => harness.stop());

async function createRequest(body: object, identity = operator, nodeId = 21): Promise<NodeRequest> {
  const response = await harness.request('POST', `/api/nodes/${nodeId}/requests`, identity, body);
  assert.equal(response.status, 202, response.body);
  return response.json as NodeRequest;
}

function requestUpdates(messages: string[], id: string): NodeRequest[] {
  return messagesOf(messages, 'request')
    .map((message) => message.request as NodeRequest)
    .filter((request) => request.id === id);
}

test('request written and confirmed ok', async () => {
  const client = await harness.websocket(viewer);
  try {
    const created = await createRequest({ name: 'P_TXP', value: '20' });
    assert.equal(created.state, 'pending');
    assert.equal(created.nodeId, 21);
    assert.equal(created.gateway, 'radio');
    assert.equal(created.user, operator);
    await harness.radio.waitForLine('RQ:21:P_TXP:20');

    const listed = await harness.request('GET', '/api/nodes/21/requests', viewer);
    assert.equal(listed.status, 200);
    assert.ok((listed.json as NodeRequest[]).some((request) => request.id === created.id && request.state === 'pending'));

    await harness.radio.write('[21] P_TXP:20:OK SS:-75\n');
    const ended = await waitFor('the ok update', () => requestUpdates(client.messages, created.id).find((request) => request.state === 'ok'));
    assert.equal(ended.value, '20');
    assert.deepEqual(
      requestUpdates(client.messages, created.id).map((request) => request.state),
      ['pending', 'ok'],
    );
  } finally {
    client.socket.close();
  }
});

test('request refused by node is invalid', async () => {
  const created = await createRequest({ name: 'P_TXP', value: '99' });
  await harness.radio.waitForLine('RQ:21:P_TXP:99');
  await harness.radio.write('[21] P_TXP:99:INV SS:-75\n');
  const listed = await waitFor('the invalid state', async () => {
    const list = (await harness.request('GET', '/api/nodes/21/requests', viewer)).json as NodeRequest[];
    return list.find((request) => request.id === created.id && request.state === 'invalid');
  });
  assert.equal(listed.state, 'invalid');
});

test('cancel writes VOID line', async () => {
  const created = await createRequest({ name: 'SLEEP', value: '5' });
  await harness.radio.waitForLine('RQ:21:SLEEP:5');
  const cancelled = await harness.request('DELETE', `/api/requests/${created.id}`, operator);
  assert.equal(cancelled.status, 200, cancelled.body);
  assert.equal((cancelled.json as NodeRequest).state, 'cancelled');
  await harness.radio.waitForLine('21:VOID:SLEEP:5');

  const again = await harness.request('DELETE', `/api/requests/${created.id}`, operator);
  assert.equal(again.status, 409);
  assert.equal(errorCodeOf(again), 'REQUEST_ENDED');
  const unknown = await harness.request('DELETE', '/api/requests/no-such-request', operator);
  assert.equal(unknown.status, 404);
  assert.equal(errorCodeOf(unknown), 'REQUEST_NOT_FOUND');
  const byViewer = await harness.request('DELETE', `/api/requests/${created.id}`, viewer);
  assert.equal(byViewer.status, 403);
});

test('gateway reset writes pending again', async () => {
  const created = await createRequest({ name: 'P_ACK', value: '1' });
  await harness.radio.waitForLine('RQ:21:P_ACK:1');
  assert.equal(timesWritten(harness, 'RQ:21:P_ACK:1'), 1);
  assert.equal(timesWritten(harness, 'RQ:21:P_TXP:20'), 1, 'the confirmed request was written once');

  await harness.radio.write('GATEWAYSTART SYSFREQ:915000000\n');
  await waitFor('the request written again', () => (timesWritten(harness, 'RQ:21:P_ACK:1') === 2 ? true : undefined));
  assert.equal(timesWritten(harness, 'RQ:21:P_TXP:20'), 1, 'ended requests are not written again');
  assert.equal(timesWritten(harness, 'RQ:21:SLEEP:5'), 1, 'cancelled requests are not written again');

  const list = (await harness.request('GET', '/api/nodes/21/requests', viewer)).json as NodeRequest[];
  assert.equal(list.find((request) => request.id === created.id)?.state, 'pending');
});

test('requests are checked before writing', async () => {
  const before = harness.radio.received;
  const cases: Array<{ body: unknown; status: number; code: string; message?: RegExp }> = [
    { body: { name: 'TOO_LONG_NAME_XY', value: '1234567890' }, status: 400, code: 'PROTOCOL_COMMAND_INVALID', message: /more than the radio gateway's maximum of 24/ },
    { body: { name: 'P_TXP', value: '2:0' }, status: 400, code: 'PROTOCOL_COMMAND_INVALID', message: /without spaces, ":"/ },
    { body: { name: 'P\nTXP' }, status: 400, code: 'PROTOCOL_COMMAND_INVALID', message: /Invalid request name/ },
    { body: { name: 'P_TXP', value: 'a b' }, status: 400, code: 'PROTOCOL_COMMAND_INVALID' },
    { body: { name: '' }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: { name: 'P_TXP', extra: 1 }, status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
    { body: '{"name": "P_TXP",', status: 400, code: 'PROTOCOL_MESSAGE_INVALID' },
  ];
  for (const entry of cases) {
    const response = await harness.request('POST', '/api/nodes/21/requests', operator, entry.body as object);
    assert.equal(response.status, entry.status, `${JSON.stringify(entry.body)}: ${response.body}`);
    assert.equal(errorCodeOf(response), entry.code, JSON.stringify(entry.body));
    if (entry.message !== undefined) {
      assert.match(errorMessageOf(response), entry.message);
    }
  }
  assert.equal(harness.radio.received, before, 'nothing was written');

  const unknownNode = await harness.request('POST', '/api/nodes/77/requests', operator, { name: 'P_TXP' });
  assert.equal(unknownNode.status, 404);
  assert.equal(errorCodeOf(unknownNode), 'NODE_NOT_FOUND');
  const badId = await harness.request('POST', '/api/nodes/5000/requests', operator, { name: 'P_TXP' });
  assert.equal(badId.status, 400);
  const byViewer = await harness.request('POST', '/api/nodes/21/requests', viewer, { name: 'P_TXP' });
  assert.equal(byViewer.status, 403);

  await hearNode(harness, '[1] START SS:-40', 1);
  const toGateway = await harness.request('POST', '/api/nodes/1/requests', operator, { name: 'P_TXP', value: '1' });
  assert.equal(toGateway.status, 400);
  assert.match(errorMessageOf(toGateway), /radio gateway's own id/);
});

test('requests are audited', async () => {
  await harness.audit.flush();
  const response = await harness.request('GET', '/api/audit?kind=request', admin);
  assert.equal(response.status, 200, response.body);
  const events = response.json as AuditEvent[];
  const actions = events.map((event) => `${String(event.detail?.action)}:${String(event.detail?.result)}`);
  assert.ok(actions.includes('create:pending'), actions.join(' '));
  assert.ok(actions.includes('cancel:cancelled'), actions.join(' '));
  assert.ok(actions.includes('create:PROTOCOL_COMMAND_INVALID') === false, 'a request rejected before writing is not created');
});

test('restart keeps requests and names', async () => {
  const renamed = await harness.request('PATCH', '/api/nodes/21', operator, { name: 'Porch weather' });
  assert.equal(renamed.status, 200, renamed.body);
  const pendingBefore = ((await harness.request('GET', '/api/nodes/21/requests', viewer)).json as NodeRequest[]).filter((request) => request.state === 'pending');
  assert.ok(pendingBefore.length > 0);

  await harness.restartHub();
  const file = await stat(path.join(harness.dataDir, 'requests.json'));
  assert.equal(file.mode & 0o777, 0o600);

  const node = await harness.request('GET', '/api/nodes/21', viewer);
  assert.equal(node.status, 200);
  assert.equal((node.json as { name: string }).name, 'Porch weather');
  const listed = (await harness.request('GET', '/api/nodes/21/requests', viewer)).json as NodeRequest[];
  for (const request of pendingBefore) {
    assert.equal(listed.find((candidate) => candidate.id === request.id)?.state, 'pending', request.id);
  }
  assert.ok(listed.some((request) => request.state === 'ok'), 'ended requests of the last hour are kept too');

  await linkOpen(harness);
  const client = await harness.websocket(viewer);
  try {
    const snapshot = await waitFor('the snapshot', () => messagesOf(client.messages, 'snapshot')[0]);
    const requests = snapshot.requests as NodeRequest[];
    assert.ok(requests.some((request) => request.state === 'pending'));
    assert.ok(requests.some((request) => request.state === 'cancelled'));
  } finally {
    client.socket.close();
  }

  // After the restart the node's confirmation still ends its request.
  const pending = pendingBefore[0];
  assert.ok(pending !== undefined);
  await harness.radio.write(`[21] ${pending.name}:${pending.value ?? ''}:OK SS:-70\n`);
  await waitFor('the ok state after restart', async () => {
    const list = (await harness.request('GET', '/api/nodes/21/requests', viewer)).json as NodeRequest[];
    return list.find((request) => request.id === pending.id && request.state === 'ok');
  });
});
