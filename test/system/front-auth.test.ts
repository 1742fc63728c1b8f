import assert from 'node:assert/strict';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type PeerCertificate } from 'node:tls';
import { Stack, UpgradeRejected, users } from '../support/stack.js';

let stack: Stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack.stop());

const wrong = { name: users.operator.name, password: 'not-the-password' };

async function plainHttp(requestPath: string, method = 'GET'): Promise<IncomingMessage> {
  const request = httpRequest({ host: '127.0.0.1', port: stack.ports.http, path: requestPath, method });
  request.end();
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  response.resume();
  return response;
}

test('redirect port sends GET to HTTPS', async () => {
  const response = await plainHttp('/a/b?c=1');
  assert.ok(response.statusCode === 301 || response.statusCode === 308, `status ${response.statusCode}`);
  assert.equal(response.headers.location, `https://127.0.0.1:${stack.ports.https}/a/b?c=1`);
});

test('redirect port sends POST to HTTPS', async () => {
  const response = await plainHttp('/api/nodes', 'POST');
  assert.equal(response.statusCode, 308);
  assert.equal(response.headers.location, `https://127.0.0.1:${stack.ports.https}/api/nodes`);
});

test('TLS uses the generated certificate', async () => {
  const socket = connect({ host: '127.0.0.1', port: stack.ports.https, ca: stack.ca });
  await once(socket, 'secureConnect');
  const certificate: PeerCertificate = socket.getPeerCertificate();
  socket.end();
  assert.equal(socket.authorized, true);
  assert.match(certificate.subjectaltname ?? '', /DNS:localhost/);
  assert.match(certificate.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);

  const keyMode = (await stat(path.join(stack.dataDir, 'tls', 'key.pem'))).mode & 0o777;
  assert.equal(keyMode, 0o600);
  const secretMode = (await stat(path.join(stack.dataDir, 'proxy-secret'))).mode & 0o777;
  assert.equal(secretMode, 0o600);
});

for (const route of ['/', '/api/nodes', '/api/health']) {
  test(`auth on ${route}: none, wrong, right`, async () => {
    const none = await stack.request(route);
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic /);

    const bad = await stack.request(route, { user: wrong });
    assert.equal(bad.status, 401);
    assert.match(String(bad.headers['www-authenticate']), /^Basic /);

    const good = await stack.request(route, { user: users.viewer });
    assert.equal(good.status, 200);
  });
}

test('websocket auth: none, wrong, right', async () => {
  await assert.rejects(stack.websocket(), (error: unknown) => error instanceof UpgradeRejected && error.status === 401);
  await assert.rejects(stack.websocket({ user: wrong }), (error: unknown) => error instanceof UpgradeRejected && error.status === 401);

  const socket = await stack.websocket({ user: users.viewer });
  const snapshot = await socket.waitFor((message) => message.type === 'snapshot');
  await socket.close();
  assert.deepEqual(snapshot.user, { name: users.viewer.name, role: 'viewer' });
  assert.ok(Array.isArray(snapshot.nodes));
  assert.equal(typeof (snapshot.links as Array<{ state: unknown }>)[0]?.state, 'string');
});

test('websocket from a foreign origin is 403', async () => {
  for (const origin of ['https://evil.example', `http://127.0.0.1:${stack.ports.https}`, 'null']) {
    await assert.rejects(
      stack.websocket({ user: users.admin, origin }),
      (error: unknown) => error instanceof UpgradeRejected && error.status === 403,
      origin,
    );
  }
});

test('failed login is logged without the password', async () => {
  await stack.request('/api/nodes', { user: { name: 'mallory', password: 'guess-123456' } });
  const line = await stack.front?.waitForLine(/mallory/);
  assert.ok(line !== undefined);
  assert.doesNotMatch(stack.front?.output ?? '', /guess-123456/);
});

test('hub pings reach the client through the front', async () => {
  // The stack config sets hub.pingIntervalSeconds to 5.
  const socket = await stack.websocket({ user: users.viewer });
  const pinged = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 8000);
    socket.socket.once('ping', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  const received = await pinged;
  await socket.close();
  assert.equal(received, true);
});
