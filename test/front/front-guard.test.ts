import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { basicHeader, requestHttps, startStandInHub, startTestFront, testPassword, testUser, type StandInHub, type TestFront } from './front-harness.js';

/** Send a raw HTTP/1.1 request over TLS, so any Host header can be sent; returns the status. */
function rawStatus(running: TestFront, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: running.front.httpsPort, ca: running.cert, servername: 'localhost' }, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      resolve(Number(Buffer.concat(chunks).toString('latin1').split(' ')[1]));
    });
  });
}

void describe('front Host and Origin checks', () => {
  let hub: StandInHub;
  let running: TestFront;
  let ownOrigin = '';
  const goodAuth = { authorization: basicHeader(testUser, testPassword) };

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port, { overrides: { publicOrigins: ['https://home.example.org'] } });
    ownOrigin = `https://127.0.0.1:${running.front.httpsPort}`;
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  const post = (headers: Record<string, string>) =>
    requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes/7/commands', method: 'POST', headers: { ...goodAuth, 'content-type': 'application/json', ...headers }, body: '{"payload":"OPN"}' });

  void test('POST with a foreign Origin is 403', async () => {
    const requestsBefore = hub.requests.length;
    const response = await post({ origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'AUTH_ORIGIN_REJECTED');
    assert.equal(hub.requests.length, requestsBefore);
  });

  void test('browser POST without Origin is 403', async () => {
    const response = await post({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
    assert.equal(response.status, 403);
  });

  void test('POST from own or public origin passes', async () => {
    const own = await post({ origin: ownOrigin, 'sec-fetch-site': 'same-origin' });
    const publicOrigin = await post({ origin: 'https://home.example.org' });
    assert.equal(own.status, 200);
    assert.equal(publicOrigin.status, 200);
  });

  void test('script POST without Origin passes', async () => {
    const response = await post({});
    assert.equal(response.status, 200);
  });

  void test('GET ignores a foreign Origin', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes', headers: { ...goodAuth, origin: 'https://evil.example' } });
    assert.equal(response.status, 200);
  });

  void test('foreign Host is 421', async () => {
    const auth = basicHeader(testUser, testPassword);
    const status = await rawStatus(running, `GET / HTTP/1.1\r\nHost: evil.example\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`);
    assert.equal(status, 421);
  });

  void test('malformed Host is 421', async () => {
    const status = await rawStatus(running, `GET / HTTP/1.1\r\nHost: a@127.0.0.1\r\nConnection: close\r\n\r\n`);
    assert.equal(status, 421);
  });

  void test('public and certificate hosts pass', async () => {
    const auth = basicHeader(testUser, testPassword);
    for (const host of ['home.example.org', 'localhost', `127.0.0.1:${running.front.httpsPort}`]) {
      const status = await rawStatus(running, `GET / HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`);
      assert.equal(status, 200, host);
    }
  });

  void test('websocket with foreign Host is 421', async () => {
    const auth = basicHeader(testUser, testPassword);
    const status = await rawStatus(
      running,
      `GET /ws HTTP/1.1\r\nHost: evil.example\r\nAuthorization: ${auth}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    assert.equal(status, 421);
  });
});
