import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTokenVerifier } from '../../src/auth/index.js';
import { errorCodeOf, errorMessageOf, HubHarness, hubUsers } from './hub-harness.js';

let harness: HubHarness;
before(async () => {
  harness = await HubHarness.start();
});
after(() => harness.stop());

const admin = hubUsers.admin.name;

const adminRoutes: Array<[string, string, object?]> = [
  ['GET', '/api/users'],
  ['POST', '/api/users', { name: 'newcomer', password: 'newcomer-password', role: 'viewer' }],
  ['PATCH', '/api/users/victor', { role: 'admin' }],
  ['DELETE', '/api/users/alice'],
  ['GET', '/api/tokens'],
  ['POST', '/api/tokens', { name: 'sneaky', role: 'admin' }],
  ['DELETE', '/api/tokens/anything'],
  ['GET', '/api/audit'],
];

test('viewer and operator get 403', async () => {
  for (const user of [hubUsers.viewer.name, hubUsers.operator.name]) {
    for (const [method, url, body] of adminRoutes) {
      const response = await harness.request(method, url, user, body);
      const label = `${user} ${method} ${url}`;
      assert.equal(response.status, 403, label);
      assert.equal(errorCodeOf(response), 'AUTH_FORBIDDEN', label);
      assert.match(errorMessageOf(response), /^forbidden: /, label);
    }
  }
  const users = await harness.request('GET', '/api/users', admin);
  assert.equal(users.body.includes('newcomer'), false);
});

test('forbidden check precedes body parsing', async () => {
  const response = await harness.request('POST', '/api/users', hubUsers.viewer.name, '{not json');
  assert.equal(response.status, 403);
});

test('admin lists users without hashes', async () => {
  const response = await harness.request('GET', '/api/users', admin);
  assert.equal(response.status, 200);
  assert.deepEqual(response.json, [
    { name: 'alice', role: 'admin', hashKind: 'bcrypt' },
    { name: 'olivia', role: 'operator', hashKind: 'bcrypt' },
    { name: 'victor', role: 'viewer', hashKind: 'bcrypt' },
  ]);
  assert.doesNotMatch(response.body, /\$2[aby]\$/);
});

test('admin adds, changes and removes a user', async () => {
  const added = await harness.request('POST', '/api/users', admin, { name: 'dora', password: 'dora-password-1', role: 'viewer' });
  assert.equal(added.status, 201);
  assert.deepEqual(added.json, { name: 'dora', role: 'viewer', hashKind: 'bcrypt' });
  assert.equal(added.body.includes('dora-password-1'), false);

  const promoted = await harness.request('PATCH', '/api/users/dora', admin, { role: 'operator', password: 'dora-password-2' });
  assert.equal(promoted.status, 200);
  assert.deepEqual(promoted.json, { name: 'dora', role: 'operator', hashKind: 'bcrypt' });

  const asDora = await harness.request('GET', '/api/nodes', 'dora');
  assert.equal(asDora.status, 200);

  const removed = await harness.request('DELETE', '/api/users/dora', admin);
  assert.equal(removed.status, 204);
  const gone = await harness.request('GET', '/api/nodes', 'dora');
  assert.equal(gone.status, 403);
});

test('user bodies are validated', async () => {
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['POST', '/api/users', { name: 'x', password: 'long-enough-1' }, /role/],
    ['POST', '/api/users', { name: 'x', password: 'long-enough-1', role: 'root' }, /role: Invalid option/],
    ['POST', '/api/users', { name: 'x', password: 'long-enough-1', role: 'viewer', admin: true }, /admin/],
    ['POST', '/api/users', [], /expected object/],
    ['POST', '/api/users', 'null', /expected object/],
    ['POST', '/api/users', { name: 'bad:name', password: 'long-enough-1', role: 'viewer' }, /invalid user name/],
    ['POST', '/api/users', { name: 'shorty', password: 'short', role: 'viewer' }, /fewer than the minimum of 8/],
    ['PATCH', '/api/users/olivia', {}, /expected "role", "password" or both/],
    ['PATCH', '/api/users/olivia', { role: 'boss' }, /role/],
    ['PATCH', '/api/users/olivia', { password: 'short' }, /fewer than the minimum/],
  ];
  for (const [method, url, body, message] of cases) {
    const response = await harness.request(method, url, admin, typeof body === 'string' ? body : (body as object));
    const label = `${method} ${url} ${JSON.stringify(body)}`;
    assert.equal(response.status, 400, label);
    assert.match(errorMessageOf(response), message, label);
  }
  const shortPassword = await harness.request('POST', '/api/users', admin, { name: 'shorty', password: 'short', role: 'viewer' });
  assert.equal(shortPassword.body.includes('"short"'), false);
});

test('unknown and existing users', async () => {
  const missing = await harness.request('PATCH', '/api/users/nobody', admin, { role: 'viewer' });
  assert.equal(missing.status, 404);
  assert.equal(errorCodeOf(missing), 'AUTH_USER_NOT_FOUND');
  const deleteMissing = await harness.request('DELETE', '/api/users/nobody', admin);
  assert.equal(deleteMissing.status, 404);
  const duplicate = await harness.request('POST', '/api/users', admin, { name: 'olivia', password: 'long-enough-1', role: 'viewer' });
  assert.equal(duplicate.status, 409);
  assert.equal(errorCodeOf(duplicate), 'AUTH_USER_EXISTS');
});

test('last admin is protected', async () => {
  const demote = await harness.request('PATCH', `/api/users/${admin}`, admin, { role: 'operator' });
  assert.equal(demote.status, 409);
  assert.equal(errorCodeOf(demote), 'AUTH_LAST_ADMIN');
  assert.match(errorMessageOf(demote), /last admin/);
  const remove = await harness.request('DELETE', `/api/users/${admin}`, admin);
  assert.equal(remove.status, 409);
  assert.equal(errorCodeOf(remove), 'AUTH_LAST_ADMIN');

  const second = await harness.request('POST', '/api/users', admin, { name: 'bruno', password: 'bruno-password-1', role: 'admin' });
  assert.equal(second.status, 201);
  const demoteNow = await harness.request('PATCH', '/api/users/bruno', admin, { role: 'viewer' });
  assert.equal(demoteNow.status, 200);
  const removeNow = await harness.request('DELETE', '/api/users/bruno', admin);
  assert.equal(removeNow.status, 204);
  const stillAdmin = await harness.request('GET', '/api/users', admin);
  assert.equal(stillAdmin.status, 200);
});

test('token create, use, list, revoke', async () => {
  const created = await harness.request('POST', '/api/tokens', admin, { name: 'ci-script', role: 'operator', expiresDays: 30 });
  assert.equal(created.status, 201);
  const body = created.json as { token: string; name: string; role: string; expires: string };
  assert.match(body.token, /^ght_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.equal(body.role, 'operator');
  assert.ok(Date.parse(body.expires) > Date.now() + 29 * 24 * 3600 * 1000);

  const verifier = createTokenVerifier(harness.dataDir);
  assert.deepEqual(await verifier.verify(body.token), { name: 'ci-script', role: 'operator' });
  const asToken = await harness.request('GET', '/api/nodes', 'token:ci-script');
  assert.equal(asToken.status, 200);
  const tokenManages = await harness.request('GET', '/api/users', 'token:ci-script');
  assert.equal(tokenManages.status, 403);

  const listed = await harness.request('GET', '/api/tokens', admin);
  assert.equal(listed.status, 200);
  assert.equal(listed.body.includes(body.token.slice(21)), false);
  assert.doesNotMatch(listed.body, /sha256|"token"/);
  assert.ok((listed.json as Array<{ name: string }>).some((token) => token.name === 'ci-script'));

  const revoked = await harness.request('DELETE', '/api/tokens/ci-script', admin);
  assert.equal(revoked.status, 204);
  const afterRevoke = await harness.request('GET', '/api/nodes', 'token:ci-script');
  assert.equal(afterRevoke.status, 403);
  const again = await harness.request('DELETE', '/api/tokens/ci-script', admin);
  assert.equal(again.status, 404);
  assert.equal(errorCodeOf(again), 'AUTH_TOKEN_NOT_FOUND');
});

test('admin token may manage', async () => {
  const created = await harness.request('POST', '/api/tokens', admin, { name: 'admin-bot', role: 'admin' });
  assert.equal(created.status, 201);
  const listed = await harness.request('GET', '/api/users', 'token:admin-bot');
  assert.equal(listed.status, 200);
});

test('token bodies are validated', async () => {
  const cases: Array<[unknown, number, RegExp]> = [
    [{ name: 'x' }, 400, /role/],
    [{ name: 'x', role: 'viewer', expiresDays: 0 }, 400, /expiresDays/],
    [{ name: 'x', role: 'viewer', expiresDays: 3651 }, 400, /expiresDays/],
    [{ name: 'x', role: 'viewer', expiresDays: '5' }, 400, /expiresDays/],
    [{ name: 'x', role: 'viewer', secret: 'chosen' }, 400, /secret/],
    [{ name: 'with space', role: 'viewer' }, 400, /invalid token name/],
    [{ name: '', role: 'viewer' }, 400, /invalid token name/],
  ];
  for (const [body, status, message] of cases) {
    const response = await harness.request('POST', '/api/tokens', admin, body as object);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(errorMessageOf(response), message, JSON.stringify(body));
  }
  await harness.request('POST', '/api/tokens', admin, { name: 'dup', role: 'viewer' });
  const duplicate = await harness.request('POST', '/api/tokens', admin, { name: 'dup', role: 'viewer' });
  assert.equal(duplicate.status, 409);
  assert.equal(errorCodeOf(duplicate), 'AUTH_TOKEN_EXISTS');
});

test('websocket snapshot for a token', async () => {
  await harness.request('POST', '/api/tokens', admin, { name: 'ws-reader', role: 'viewer' });
  const { socket, messages } = await harness.websocket('token:ws-reader');
  for (let attempt = 0; attempt < 100 && messages.length === 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const snapshot = JSON.parse(messages[0] ?? '{}') as { type?: string; user?: { name: string; role: string } };
  assert.equal(snapshot.type, 'snapshot');
  assert.deepEqual(snapshot.user, { name: 'token:ws-reader', role: 'viewer' });
  socket.close();
});

test('unknown token identity is rejected', async () => {
  const response = await harness.request('GET', '/api/nodes', 'token:never-made');
  assert.equal(response.status, 403);
  await assert.rejects(harness.websocket('token:never-made'), /HTTP 403/);
});
