import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import WebSocket from 'ws';

import { basicHeader, requestHttps, startStandInHub, startTestFront, testPassword, testUser, type SimpleResponse, type StandInHub, type TestFront } from './front-harness.js';

const cookieName = '__Host-gatehouse_session';

/** Returns the `name=value` pair of the session cookie a response sets, or undefined. */
function sessionCookieOf(response: SimpleResponse): string | undefined {
  const line = (response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith(`${cookieName}=`));
  return line?.split(';')[0];
}

/** Open a websocket the way Safari does: the cookie and an Origin, never basic credentials. */
function openCookieWebsocket(running: TestFront, cookie: string): Promise<{ kind: 'open'; socket: WebSocket } | { kind: 'rejected'; status: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`wss://127.0.0.1:${running.front.httpsPort}/ws`, {
      ca: running.cert,
      headers: { cookie, 'sec-fetch-mode': 'websocket', 'sec-fetch-site': 'same-origin' },
      origin: `https://127.0.0.1:${running.front.httpsPort}`,
      handshakeTimeout: 5000,
    });
    socket.on('open', () => resolve({ kind: 'open', socket }));
    socket.on('unexpected-response', (_request, response) => {
      resolve({ kind: 'rejected', status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.on('error', () => resolve({ kind: 'rejected', status: 0 }));
  });
}

void describe('front session cookie', () => {
  let hub: StandInHub;
  let running: TestFront;
  let now = Date.now();
  const goodAuth = { authorization: basicHeader(testUser, testPassword) };

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port, { overrides: { now: () => now, session: { idleMinutes: 10, absoluteHours: 1 } } });
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  const login = async (): Promise<string> => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: goodAuth });
    const cookie = sessionCookieOf(response);
    assert.ok(cookie !== undefined, 'no session cookie');
    return cookie;
  };

  void test('login sets a strict cookie', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: goodAuth });
    const line = (response.headers['set-cookie'] ?? [])[0] ?? '';
    assert.equal(response.status, 200);
    assert.match(line, /^__Host-gatehouse_session=[A-Za-z0-9_-]{43}; /);
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; Secure/);
    assert.match(line, /; SameSite=Strict/);
    assert.match(line, /; Path=\//);
    assert.match(line, /; Max-Age=3600$/);
    assert.doesNotMatch(line, /Domain/i);
  });

  void test('cookie alone authenticates', async () => {
    const cookie = await login();
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes', headers: { cookie } });
    assert.equal(response.status, 200);
    assert.equal(hub.requests.at(-1)?.headers['x-gatehouse-user'], testUser);
    assert.equal(hub.requests.at(-1)?.headers.cookie, undefined);
    assert.equal(response.headers['set-cookie'], undefined);
  });

  void test('cookie with basic starts no second session', async () => {
    const cookie = await login();
    const sessionsBefore = running.auditEvents.filter((event) => event.kind === 'sessionStarted').length;
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { ...goodAuth, cookie } });
    const sessionsAfter = running.auditEvents.filter((event) => event.kind === 'sessionStarted').length;
    assert.equal(response.status, 200);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.equal(sessionsAfter, sessionsBefore);
  });

  void test('cookie-only websocket upgrade', async () => {
    const cookie = await login();
    const outcome = await openCookieWebsocket(running, cookie);
    assert.equal(outcome.kind, 'open');
    if (outcome.kind !== 'open') {
      return;
    }
    outcome.socket.close();
    assert.equal(hub.upgrades.at(-1)?.headers['x-gatehouse-user'], testUser);
  });

  void test('unknown cookie needs basic auth', async () => {
    const cookie = `${cookieName}=${'x'.repeat(43)}`;
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), /^Basic /);
    assert.match((response.headers['set-cookie'] ?? [])[0] ?? '', /^__Host-gatehouse_session=; .*Max-Age=0/);
    const websocket = await openCookieWebsocket(running, cookie);
    assert.deepEqual(websocket, { kind: 'rejected', status: 401 });
  });

  void test('idle session expires', async () => {
    const cookie = await login();
    now += 9 * 60_000;
    const stillValid = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
    now += 10 * 60_000;
    const expired = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
    assert.equal(stillValid.status, 200);
    assert.equal(expired.status, 401);
    assert.equal(running.auditEvents.at(-1)?.kind, 'sessionExpired');
    assert.equal(running.auditEvents.at(-1)?.user, testUser);
  });

  void test('absolute lifetime ends a session', async () => {
    const cookie = await login();
    for (let step = 0; step < 6; step += 1) {
      now += 9 * 60_000;
      const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
      assert.equal(response.status, 200, `after ${(step + 1) * 9} minutes`);
    }
    now += 9 * 60_000;
    const expired = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
    assert.equal(expired.status, 401);
  });

  void test('expired cookie falls back to basic', async () => {
    const cookie = await login();
    now += 11 * 60_000;
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { ...goodAuth, cookie } });
    const renewed = sessionCookieOf(response);
    assert.equal(response.status, 200);
    assert.ok(renewed !== undefined);
    assert.notEqual(renewed, cookie);
  });

  void test('logout ends the session', async () => {
    const cookie = await login();
    const origin = `https://127.0.0.1:${running.front.httpsPort}`;
    const websocket = await openCookieWebsocket(running, cookie);
    assert.equal(websocket.kind, 'open');
    const closed = websocket.kind === 'open' ? new Promise<boolean>((resolve) => websocket.socket.once('close', () => resolve(true))) : Promise.resolve(false);

    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/logout', method: 'POST', headers: { cookie, origin, ...goodAuth } });
    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), /^Basic realm="Gatehouse"/);
    assert.match((response.headers['set-cookie'] ?? [])[0] ?? '', /^__Host-gatehouse_session=; .*Max-Age=0/);
    assert.equal(await closed, true);

    const after = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { cookie } });
    assert.equal(after.status, 401);
    const ended = running.auditEvents.filter((event) => event.kind === 'sessionEnded');
    assert.equal(ended.at(-1)?.user, testUser);
  });

  void test('logout starts no session', async () => {
    const origin = `https://127.0.0.1:${running.front.httpsPort}`;
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/logout', method: 'POST', headers: { ...goodAuth, origin } });
    assert.equal(response.status, 401);
    assert.equal(sessionCookieOf(response), `${cookieName}=`);
  });

  void test('audit records login and session', async () => {
    const before = running.auditEvents.length;
    await login();
    const kinds = running.auditEvents.slice(before).map((event) => event.kind);
    assert.deepEqual(kinds, ['login', 'sessionStarted']);
    const started = running.auditEvents.at(-1);
    assert.equal(started?.user, testUser);
    assert.equal(started.client, '127.0.0.1');
    assert.match(String(started.detail?.session), /^[A-Za-z0-9_-]{16}$/);
  });

  void test('audit never holds a credential', () => {
    const text = JSON.stringify(running.auditEvents);
    assert.ok(!text.includes(testPassword));
    assert.doesNotMatch(text, /[A-Za-z0-9_-]{43}/);
  });
});

void describe('websockets and the session lifetime', () => {
  let hub: StandInHub;
  let running: TestFront;
  let now = Date.now();
  const goodAuth = { authorization: basicHeader(testUser, testPassword) };

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port, { overrides: { now: () => now, sessionSweepMs: 50, session: { idleMinutes: 10, absoluteHours: 1 } } });
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  const openSession = async (): Promise<{ cookie: string; socket: WebSocket }> => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: goodAuth });
    const cookie = sessionCookieOf(response);
    assert.ok(cookie !== undefined, 'no session cookie');
    const opened = await openCookieWebsocket(running, cookie);
    assert.equal(opened.kind, 'open');
    return { cookie, socket: (opened as { socket: WebSocket }).socket };
  };

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  void test('an open websocket keeps its session past the idle limit', async () => {
    const { cookie, socket } = await openSession();
    for (let step = 0; step < 3; step += 1) {
      now += 6 * 60_000;
      await sleep(200);
    }
    assert.equal(socket.readyState, WebSocket.OPEN);
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes', headers: { cookie } });
    assert.equal(response.status, 200);
    socket.terminate();
  });

  void test('a websocket is closed when its session reaches its absolute lifetime', async () => {
    const { cookie, socket } = await openSession();
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    now += 61 * 60_000;
    await Promise.race([closed, sleep(3000).then(() => assert.fail('the websocket stayed open after its session ended'))]);
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes', headers: { cookie } });
    assert.equal(response.status, 401);
  });
});
