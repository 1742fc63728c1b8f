import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';

import WebSocket from 'ws';

import { basicHeader, startStandInHub, startTestFront, testPassword, testSecret, testUser, type StandInHub, type TestFront } from './front-harness.js';
import { findClosedPort } from './helpers.js';

type Outcome =
  | { kind: 'open'; socket: WebSocket }
  | { kind: 'rejected'; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { kind: 'error'; message: string };

/** Open a websocket through the front and report whether the handshake succeeded. */
function openWebsocket(running: TestFront, path: string, headers: Record<string, string>, origin?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`wss://127.0.0.1:${running.front.httpsPort}${path}`, {
      ca: running.cert,
      headers,
      ...(origin === undefined ? {} : { origin }),
      handshakeTimeout: 5000,
    });
    socket.on('open', () => resolve({ kind: 'open', socket }));
    socket.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ kind: 'rejected', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers });
        socket.terminate();
      });
    });
    socket.on('error', (error) => resolve({ kind: 'error', message: error.message }));
  });
}

/** Assert that a rejected handshake carries the security headers of every HTTPS response. */
function assertSecurityHeaders(outcome: Outcome): void {
  assert.equal(outcome.kind, 'rejected');
  if (outcome.kind !== 'rejected') {
    return;
  }
  assert.match(String(outcome.headers['content-security-policy']), /default-src 'self'/);
  assert.equal(outcome.headers['x-content-type-options'], 'nosniff');
  assert.equal(outcome.headers['referrer-policy'], 'no-referrer');
  assert.equal(outcome.headers['x-frame-options'], 'DENY');
}

function statusOf(outcome: Outcome): number | string {
  return outcome.kind === 'rejected' ? outcome.status : outcome.kind;
}

void describe('front websocket', () => {
  let hub: StandInHub;
  let running: TestFront;
  const goodAuth = { authorization: basicHeader(testUser, testPassword) };
  let ownOrigin = '';

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port);
    ownOrigin = `https://127.0.0.1:${running.front.httpsPort}`;
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  void test('401 without credentials', async () => {
    const outcome = await openWebsocket(running, '/ws', {}, ownOrigin);
    assert.equal(statusOf(outcome), 401);
    assertSecurityHeaders(outcome);
    assert.equal(hub.upgrades.length, 0);
  });

  void test('401 with a wrong password', async () => {
    const outcome = await openWebsocket(running, '/ws', { authorization: basicHeader(testUser, 'nope') }, ownOrigin);
    assert.equal(statusOf(outcome), 401);
  });

  void test('403 with a foreign Origin', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${running.front.httpsPort}`, 'https://127.0.0.1', 'null']) {
      const outcome = await openWebsocket(running, '/ws', goodAuth, origin);
      assert.equal(statusOf(outcome), 403, origin);
      assertSecurityHeaders(outcome);
    }
    assert.equal(hub.upgrades.length, 0);
  });

  void test('403 for a browser without Origin', async () => {
    const outcome = await openWebsocket(running, '/ws', { ...goodAuth, 'sec-fetch-mode': 'websocket', 'sec-fetch-site': 'cross-site' });
    assert.equal(statusOf(outcome), 403);
  });

  void test('404 on another path', async () => {
    const outcome = await openWebsocket(running, '/api/ws', goodAuth, ownOrigin);
    assert.equal(statusOf(outcome), 404);
    assertSecurityHeaders(outcome);
  });

  void test('echoes through to the hub', async () => {
    const outcome = await openWebsocket(running, '/ws?client=test', { ...goodAuth, 'x-gatehouse-user': 'mallory', 'x-forwarded-for': '10.0.0.66' }, ownOrigin);
    assert.equal(outcome.kind, 'open');
    if (outcome.kind !== 'open') {
      return;
    }
    const reply = new Promise<string>((resolve) => outcome.socket.once('message', (data: Buffer) => resolve(data.toString('utf8'))));
    outcome.socket.send('{"type":"ping"}');
    assert.equal(await reply, '{"type":"ping"}');
    outcome.socket.close();

    const upgrade = hub.upgrades.at(-1);
    assert.equal(upgrade?.url, '/ws?client=test');
    assert.equal(upgrade.headers['x-gatehouse-secret'], testSecret);
    assert.equal(upgrade.headers['x-gatehouse-user'], testUser);
    assert.equal(upgrade.headers['x-gatehouse-client'], '127.0.0.1');
    assert.equal(upgrade.headers['x-forwarded-for'], undefined);
    assert.equal(upgrade.headers.authorization, undefined);
  });

  void test('a client that resets its connection is no error', async () => {
    const tcp = netConnect({ host: '127.0.0.1', port: running.front.httpsPort });
    await once(tcp, 'connect');
    const socket = connect({ socket: tcp, ca: running.cert, servername: 'localhost' });
    await once(socket, 'secureConnect');
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${running.front.httpsPort}`,
        `Authorization: ${goodAuth.authorization}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    );
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    assert.match(chunk.toString('latin1'), /^HTTP\/1\.1 101 /);
    // A tab closed mid-connection or a phone that lost its network: the peer sends a TCP reset.
    tcp.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const errors = running.logLines.filter((line) => typeof line.level === 'number' && line.level >= 50);
    assert.deepEqual(errors, []);
  });

  void test('allows a script without Origin', async () => {
    const outcome = await openWebsocket(running, '/ws', goodAuth);
    assert.equal(outcome.kind, 'open');
    if (outcome.kind === 'open') {
      outcome.socket.close();
    }
  });
});

void describe('front websocket with the hub down', () => {
  let running: TestFront;

  before(async () => {
    running = await startTestFront(await findClosedPort());
  });
  after(() => running.close());

  void test('502 when the hub is down', async () => {
    const outcome = await openWebsocket(running, '/ws', { authorization: basicHeader(testUser, testPassword) }, `https://127.0.0.1:${running.front.httpsPort}`);
    assert.equal(statusOf(outcome), 502);
    assertSecurityHeaders(outcome);
  });
});
