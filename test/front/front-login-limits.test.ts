import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { CredentialVerifier } from '../../src/auth/types.js';
import { basicHeader, requestHttps, startStandInHub, startTestFront, testPassword, testToken, testUser, type StandInHub, type TestFront } from './front-harness.js';

const otherUser = 'bob';
const otherPassword = 'bob password 123';

void describe('front login limits', () => {
  let hub: StandInHub;
  let running: TestFront;
  let now = Date.now();
  let verifyCalls = 0;
  const verifier: CredentialVerifier = {
    verify: (user, password) => {
      verifyCalls += 1;
      return Promise.resolve((user === testUser && password === testPassword) || (user === otherUser && password === otherPassword));
    },
  };

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port, {
      overrides: {
        verifier,
        now: () => now,
        // The test client is the trusted proxy, so X-Forwarded-For stands for different client addresses.
        trustedProxies: ['127.0.0.1'],
        loginLimits: { freeFailures: 3, maxDelaySeconds: 8, windowMinutes: 1 },
      },
    });
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  const attempt = (client: string, authorization: string, path = '/') =>
    requestHttps(running.front.httpsPort, running.cert, { path, headers: { authorization, 'x-forwarded-for': client } });

  void test('burst gets 429 then recovers', async () => {
    const client = '198.51.100.10';
    const wrong = basicHeader(testUser, 'wrong password');
    const statuses: number[] = [];
    for (let attemptNumber = 0; attemptNumber < 3; attemptNumber += 1) {
      statuses.push((await attempt(client, wrong)).status);
    }
    const callsBefore = verifyCalls;
    const delayed = await attempt(client, basicHeader(testUser, testPassword));
    assert.deepEqual(statuses, [401, 401, 401]);
    assert.equal(delayed.status, 429);
    assert.equal(delayed.headers['retry-after'], '1');
    assert.equal((JSON.parse(delayed.body) as { error: { code: string } }).error.code, 'AUTH_RATE_LIMITED');
    assert.equal(verifyCalls, callsBefore);

    now += 1000;
    assert.equal((await attempt(client, wrong)).status, 401);
    const doubled = await attempt(client, wrong);
    assert.equal(doubled.status, 429);
    assert.equal(doubled.headers['retry-after'], '2');

    now += 60_000;
    assert.equal((await attempt(client, basicHeader(testUser, testPassword))).status, 200);
  });

  void test('other address and name not limited', async () => {
    for (let attemptNumber = 0; attemptNumber < 3; attemptNumber += 1) {
      await attempt('198.51.100.20', basicHeader(testUser, 'wrong password'));
    }
    const otherName = await attempt('198.51.100.21', basicHeader(otherUser, otherPassword));
    const sameName = await attempt('198.51.100.21', basicHeader(testUser, testPassword));
    assert.equal(otherName.status, 200);
    assert.equal(sameName.status, 429);
    now += 60_000;
  });

  void test('session cookie is never limited', async () => {
    const login = await attempt('198.51.100.30', basicHeader(otherUser, otherPassword));
    const cookie = (login.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
    for (let attemptNumber = 0; attemptNumber < 4; attemptNumber += 1) {
      await attempt('198.51.100.30', basicHeader(otherUser, 'wrong password'));
    }
    const withCookie = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie, 'x-forwarded-for': '198.51.100.30' } });
    assert.equal(withCookie.status, 200);
    now += 60_000;
  });

  void test('every failure logs one line', async () => {
    const before = running.logLines.length;
    for (let attemptNumber = 0; attemptNumber < 3; attemptNumber += 1) {
      await attempt('198.51.100.40', basicHeader('mallory', 'guess-123456'));
    }
    await attempt('198.51.100.40', basicHeader('mallory', 'guess-123456'));
    await attempt('198.51.100.40', basicHeader('mallory', 'guess-123456'));
    const lines = running.logLines.slice(before);
    const failed = lines.filter((line) => line.msg === 'login failed');
    const delayed = lines.filter((line) => line.msg === 'login delayed');
    assert.equal(failed.length, 3);
    assert.equal(failed[0]?.client, '198.51.100.40');
    assert.equal(failed[0]?.user, 'mallory');
    assert.equal(delayed.length, 1);
    assert.ok(!JSON.stringify(running.logLines).includes('guess-123456'));
    now += 60_000;
  });

  void test('audit records failure and delay', async () => {
    const before = running.auditEvents.length;
    for (let attemptNumber = 0; attemptNumber < 4; attemptNumber += 1) {
      await attempt('198.51.100.50', basicHeader('eve', 'guess-654321'));
    }
    const events = running.auditEvents.slice(before);
    assert.deepEqual(
      events.map((event) => event.kind),
      ['loginFailed', 'loginFailed', 'loginFailed', 'loginDelayed'],
    );
    assert.equal(events[0]?.user, 'eve');
    assert.equal(events[0]?.client, '198.51.100.50');
    assert.deepEqual(events[3]?.detail, { retryAfterSeconds: 1 });
    assert.ok(!JSON.stringify(events).includes('guess-654321'));
    now += 60_000;
  });

  void test('trusted proxy hop reaches the hub', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes',
      headers: { authorization: basicHeader(testUser, testPassword), 'x-forwarded-for': '127.0.0.1, 203.0.113.9, 127.0.0.1' },
    });
    assert.equal(response.status, 200);
    assert.equal(hub.requests.at(-1)?.headers['x-gatehouse-client'], '203.0.113.9');
    assert.equal(hub.requests.at(-1)?.headers['x-forwarded-for'], undefined);
  });

  void test('invalid forwarding header is 400', async () => {
    const response = await attempt('not-an-address', basicHeader(testUser, testPassword));
    assert.equal(response.status, 400);
    assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'AUTH_FORWARDED_INVALID');
  });

  void test('bearer token reaches the hub', async () => {
    const response = await attempt('198.51.100.60', `Bearer ${testToken}`, '/api/nodes');
    assert.equal(response.status, 200);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.equal(hub.requests.at(-1)?.headers['x-gatehouse-user'], 'token:ci');
    assert.equal(hub.requests.at(-1)?.headers.authorization, undefined);
  });

  void test('token use audited once a minute', async () => {
    const before = running.auditEvents.length;
    await attempt('198.51.100.61', `Bearer ${testToken}`, '/api/nodes');
    await attempt('198.51.100.61', `Bearer ${testToken}`, '/api/nodes');
    const events = running.auditEvents.slice(before);
    now += 60_000;
    await attempt('198.51.100.61', `Bearer ${testToken}`, '/api/nodes');
    const later = running.auditEvents.slice(before + events.length);
    assert.equal(events.length, 0);
    assert.equal(later.length, 1);
    assert.equal(later[0]?.kind, 'tokenUsed');
    assert.equal(later[0]?.user, 'token:ci');
  });

  void test('bad tokens are 401 and limited', async () => {
    const before = running.auditEvents.length;
    const statuses: number[] = [];
    for (const token of ['wrong-token', 'also-wrong', 'bad token with spaces', testToken]) {
      statuses.push((await attempt('198.51.100.62', `Bearer ${token}`, '/api/nodes')).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const events = running.auditEvents.slice(before);
    assert.deepEqual(
      events.map((event) => event.kind),
      ['tokenRejected', 'tokenRejected', 'tokenRejected', 'loginDelayed'],
    );
    assert.ok(!JSON.stringify(events).includes('wrong-token'));
    now += 60_000;
  });
});

void describe('front without trusted proxies', () => {
  let hub: StandInHub;
  let running: TestFront;

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port, { overrides: { loginLimits: { freeFailures: 2, maxDelaySeconds: 8, windowMinutes: 1 } } });
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  void test('spoofed X-Forwarded-For is ignored', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes',
      headers: { authorization: basicHeader(testUser, testPassword), 'x-forwarded-for': '127.0.0.1', forwarded: 'for=192.0.2.1' },
    });
    assert.equal(response.status, 200);
    assert.equal(hub.requests.at(-1)?.headers['x-gatehouse-client'], '127.0.0.1');
  });

  void test('spoofed header cannot dodge limits', async () => {
    const statuses: number[] = [];
    for (const spoofed of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const response = await requestHttps(running.front.httpsPort, running.cert, {
        path: '/',
        headers: { authorization: basicHeader(`user-${spoofed}`, 'wrong'), 'x-forwarded-for': spoofed },
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
    const failed = running.logLines.filter((line) => line.msg === 'login failed');
    assert.equal(failed.at(-1)?.client, '127.0.0.1');
  });
});
