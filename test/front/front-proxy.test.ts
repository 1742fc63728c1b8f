import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { basicHeader, requestHttps, startStandInHub, startTestFront, testPassword, testSecret, testUser, type StandInHub, type TestFront } from './front-harness.js';
import { findClosedPort } from './helpers.js';

void describe('front /api proxy', () => {
  let hub: StandInHub;
  let running: TestFront;
  const goodAuth = basicHeader(testUser, testPassword);

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port);
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  void test('adds identity headers', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes?since=1',
      headers: { authorization: goodAuth },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { ok: true });

    const forwarded = hub.requests.at(-1);
    assert.equal(forwarded?.url, '/api/nodes?since=1');
    assert.equal(forwarded.headers['x-gatehouse-secret'], testSecret);
    assert.equal(forwarded.headers['x-gatehouse-user'], testUser);
    assert.equal(forwarded.headers['x-gatehouse-client'], '127.0.0.1');
    assert.equal(forwarded.headers.authorization, undefined);
  });

  void test('strips spoofed headers', async () => {
    await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/health',
      headers: {
        authorization: goodAuth,
        'x-gatehouse-user': 'mallory',
        'x-gatehouse-secret': 'guess',
        'x-gatehouse-client': '10.0.0.66',
        'x-forwarded-for': '10.0.0.66',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
        'x-forwarded-port': '1',
        'x-real-ip': '10.0.0.66',
        forwarded: 'for=10.0.0.66',
      },
    });
    const headers = hub.requests.at(-1)?.headers ?? {};
    assert.equal(headers['x-gatehouse-user'], testUser);
    assert.equal(headers['x-gatehouse-secret'], testSecret);
    assert.equal(headers['x-gatehouse-client'], '127.0.0.1');
    assert.equal(headers['x-forwarded-for'], undefined);
    assert.equal(headers['x-forwarded-host'], undefined);
    assert.equal(headers['x-forwarded-proto'], undefined);
    assert.equal(headers['x-forwarded-port'], undefined);
    assert.equal(headers['x-real-ip'], undefined);
    assert.equal(headers.forwarded, undefined);
  });

  void test('streams a POST body', async () => {
    const body = JSON.stringify({ payload: 'OPN' });
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes/7/commands',
      method: 'POST',
      headers: { authorization: goodAuth, 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.status, 200);
    assert.equal(hub.requests.at(-1)?.method, 'POST');
    assert.equal(hub.requests.at(-1)?.body, body);
  });

  void test('keeps front security headers', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/api/health', headers: { authorization: goodAuth } });
    assert.match(String(response.headers['content-security-policy']), /^default-src 'self'/);
  });

  void test('sends a UTF-8 user name as bytes', async () => {
    // The test verifier accepts only one ASCII user, so check the header rewrite on its own.
    const { rewriteProxyHeaders } = await import('../../src/front/hub-proxy.js');
    const headers: Record<string, string> = { authorization: 'Basic x' };
    rewriteProxyHeaders(headers, testSecret, { user: 'zoë', client: '::1' });
    assert.equal(Buffer.from(headers['x-gatehouse-user'] ?? '', 'latin1').toString('utf8'), 'zoë');
    assert.equal(headers.authorization, undefined);
  });
});

void describe('front with the hub down', () => {
  let running: TestFront;

  before(async () => {
    const port = await findClosedPort();
    running = await startTestFront(port);
  });
  after(() => running.close());

  void test('502 JSON error', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes',
      headers: { authorization: basicHeader(testUser, testPassword) },
    });
    assert.equal(response.status, 502);
    assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'HUB_UNAVAILABLE');
    assert.equal(response.headers['x-frame-options'], 'DENY');
  });
});
