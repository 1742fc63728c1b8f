import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/index.js';
import { errorCodeOf, errorMessageOf, HubHarness, hubUsers } from './hub-harness.js';

let harness: HubHarness;
before(async () => {
  harness = await HubHarness.start();
  await waitForOpenLink();
});
after(() => harness.stop());

const admin = hubUsers.admin.name;

async function waitForOpenLink(): Promise<void> {
  for (let attempt = 0; attempt < 250; attempt += 1) {
    if (harness.hub.linkStatuses()[0]?.state === 'open') {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the radio link did not open within 5 s');
}

async function auditQuery(query: string): Promise<AuditEvent[]> {
  await harness.audit.flush();
  const response = await harness.request('GET', `/api/audit${query}`, admin);
  assert.equal(response.status, 200, response.body);
  return response.json as AuditEvent[];
}

// A forbidden attempt stops at the role check before it becomes a command, so it is not audited.
test('commands are audited with results', async () => {
  const sent = await harness.request('POST', '/api/nodes/14/commands', hubUsers.operator.name, { payload: 'OPN' });
  assert.equal(sent.status, 202);
  const forbidden = await harness.request('POST', '/api/nodes/14/commands', hubUsers.viewer.name, { payload: 'OPN' });
  assert.equal(forbidden.status, 403);
  // Node 1 is the radio gateway itself, which the moteino codec rejects as a target.
  const invalid = await harness.request('POST', '/api/nodes/1/commands', hubUsers.operator.name, { payload: 'OPN' });
  assert.equal(invalid.status, 400);

  const { socket } = await harness.websocket(hubUsers.operator.name);
  socket.send(JSON.stringify({ type: 'command', id: 'c1', nodeId: 15, payload: 'CLS' }));
  await harness.radio.waitForLine('15:CLS');
  socket.close();

  const events = await auditQuery('?kind=command');
  const bySender = events.map((event) => [event.user, event.detail?.nodeId, event.detail?.payload, event.detail?.result]);
  assert.deepEqual(bySender, [
    ['olivia', 15, 'CLS', 'sent'],
    ['olivia', 1, 'OPN', 'PROTOCOL_COMMAND_INVALID'],
    ['olivia', 14, 'OPN', 'sent'],
  ]);
  assert.equal(events[0]?.source, 'hub');
  assert.equal(events[0]?.client, '192.0.2.11');
});

test('user and token changes are audited', async () => {
  await harness.request('POST', '/api/users', admin, { name: 'erin', password: 'erin-password-1', role: 'viewer' });
  await harness.request('PATCH', '/api/users/erin', admin, { password: 'erin-password-2' });
  await harness.request('DELETE', '/api/users/erin', admin);
  const created = await harness.request('POST', '/api/tokens', admin, { name: 'audited', role: 'viewer' });
  const token = (created.json as { token: string }).token;
  await harness.request('DELETE', '/api/tokens/audited', admin);

  const users = await auditQuery('?kind=userChanged');
  assert.deepEqual(users.map((event) => event.detail?.action), ['removed', 'passwordChanged', 'added']);
  assert.ok(users.every((event) => event.user === admin));
  const tokens = await auditQuery('?kind=tokenChanged');
  assert.deepEqual(tokens.map((event) => [event.detail?.action, event.detail?.tokenName]), [['revoked', 'audited'], ['created', 'audited']]);

  const everything = JSON.stringify(await auditQuery('?limit=1000'));
  assert.equal(everything.includes('erin-password'), false);
  assert.equal(everything.includes(token.slice(21)), false);
});

test('audit filters by user and time', async () => {
  const byUser = await auditQuery(`?user=${hubUsers.operator.name}`);
  assert.ok(byUser.length >= 1);
  assert.ok(byUser.every((event) => event.user === hubUsers.operator.name));
  const future = await auditQuery('?from=2999-01-01T00:00:00Z');
  assert.deepEqual(future, []);
  const limited = await auditQuery('?limit=2');
  assert.equal(limited.length, 2);
});

test('bad audit parameters give 400', async () => {
  const cases: Array<[string, RegExp]> = [
    ['?limit=0', /limit/],
    ['?limit=1001', /limit/],
    ['?limit=ten', /limit/],
    ['?limit=-5', /limit/],
    ['?kind=reboot', /kind/],
    ['?from=yesterday', /from: expected an ISO 8601 time/],
    ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /"from" is later than "to"/],
    ['?limit=5&limit=6', /limit/],
    ['?color=red', /color/],
    ['?user=', /user/],
  ];
  for (const [query, message] of cases) {
    const response = await harness.request('GET', `/api/audit${query}`, admin);
    assert.equal(response.status, 400, query);
    assert.equal(errorCodeOf(response), 'PROTOCOL_MESSAGE_INVALID', query);
    assert.match(errorMessageOf(response), message, query);
  }
});
