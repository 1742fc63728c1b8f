import assert from 'node:assert/strict';
import { once } from 'node:events';
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

import { mozillaIntermediateCiphers } from '../../src/deploy/nginx/index.js';
import { securityHeaders } from '../../src/front/security-headers.js';
import { grantWorkerAccess, NginxServer } from '../support/nginx.js';
import { freePort, runGatehouse } from '../support/processes.js';
import { basicAuth, type Credentials, type HttpResult, MessageSocket, Stack, UpgradeRejected, users } from '../support/stack.js';

// The stack's hub, users and radio pty; its built-in front runs too but these tests never use it.
let stack: Stack;
let nginx: NginxServer | null = null;
let site = '';
const ports = { http: 0, https: 0 };

before(async () => {
  stack = await Stack.start();
  await stack.hub?.waitForLine(/"state":"open"/);
  ports.http = await freePort();
  ports.https = await freePort();

  // A second config for the same data directory and hub, with nginx's own ports.
  const configFile = path.join(stack.dir, 'nginx.yaml');
  const yaml = [
    `dataDir: ${stack.dataDir}`,
    'front:',
    '  listenAddress: 127.0.0.1',
    `  httpPort: ${ports.http}`,
    `  httpsPort: ${ports.https}`,
    'hub:',
    `  port: ${stack.ports.hub}`,
    '  pingIntervalSeconds: 5',
    '',
  ].join('\n');
  await writeFile(configFile, yaml);
  const printed = await runGatehouse(['nginx-config', '--config', configFile, '--server-name', '127.0.0.1', '--server-name', 'localhost']);
  assert.equal(printed.code, 0, printed.stderr);
  // nginx's workers may not enter the checkout (a clone into `mktemp -d` is 0700), so the site
  // serves a copy of the built UI from the stack's folder, which they are granted below.
  const builtWeb = fileURLToPath(new URL('../../dist/web', import.meta.url));
  const servedWeb = path.join(stack.dir, 'web');
  await cp(builtWeb, servedWeb, { recursive: true });
  assert.ok(printed.stdout.includes(builtWeb), 'the printed site serves the built UI');
  site = printed.stdout.replaceAll(builtWeb, servedWeb);

  await grantWorkerAccess([stack.dir, stack.dataDir], path.join(stack.dataDir, 'users.htpasswd'));
  nginx = new NginxServer({ dir: path.join(stack.dir, 'nginx'), site, ports: [ports.http, ports.https] });
  await nginx.writeConfig();
  await nginx.start();
});

after(async () => {
  await nginx?.stop();
  await stack.stop();
});

const wrong = { name: users.operator.name, password: 'not-the-password' };
const origin = (): string => `https://127.0.0.1:${ports.https}`;

async function request(
  requestPath: string,
  options: { user?: Credentials; method?: string; body?: unknown; headers?: Record<string, string>; anyHost?: boolean } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== undefined) {
    headers.authorization = basicAuth(options.user);
  }
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const outgoing = httpsRequest({
    host: '127.0.0.1',
    port: ports.https,
    path: requestPath,
    method: options.method ?? 'GET',
    headers,
    ca: stack.ca,
    // Node checks the certificate against the Host header; a test of a foreign Host skips that check.
    ...(options.anyHost === true ? { checkServerIdentity: () => undefined } : {}),
  });
  outgoing.end(body);
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of response) {
    text += (chunk as Buffer).toString('utf8');
  }
  return { status: response.statusCode ?? 0, headers: response.headers, body: text };
}

async function plainHttp(requestPath: string, method = 'GET', host?: string): Promise<IncomingMessage> {
  const outgoing = httpRequest({ host: '127.0.0.1', port: ports.http, path: requestPath, method, ...(host === undefined ? {} : { headers: { host } }) });
  outgoing.end();
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  response.resume();
  return response;
}

async function websocket(options: { user?: Credentials; origin?: string | null; headers?: Record<string, string> } = {}): Promise<MessageSocket> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== undefined) {
    headers.authorization = basicAuth(options.user);
  }
  if (options.origin !== null) {
    headers.origin = options.origin ?? origin();
  }
  return MessageSocket.open(new WebSocket(`wss://127.0.0.1:${ports.https}/ws`, { headers, ca: stack.ca }));
}

const rejectedWith = (status: number) => (error: unknown) => error instanceof UpgradeRejected && error.status === status;

test('nginx -t accepts the site', () => {
  const result = nginx?.testConfig();
  assert.equal(result?.code, 0, result?.output);
  assert.match(result?.output ?? '', /test is successful/);
});

test('site carries the secret warning', async () => {
  const secret = (await readFile(path.join(stack.dataDir, 'proxy-secret'), 'utf8')).trim();
  assert.match(site, /^# SECRET: /m);
  assert.match(site, /mode 0600/);
  assert.ok(site.includes(`"${secret}"`));
  const mode = (await stat(path.join(stack.dir, 'nginx', 'site.conf'))).mode & 0o777;
  assert.equal(mode, 0o600);
});

test('redirect keeps path and query', async () => {
  const get = await plainHttp('/a/b?c=1&d=%20');
  assert.equal(get.statusCode, 301);
  assert.equal(get.headers.location, `https://127.0.0.1:${ports.https}/a/b?c=1&d=%20`);

  const post = await plainHttp('/api/nodes?x=1', 'POST');
  assert.equal(post.statusCode, 308);
  assert.equal(post.headers.location, `https://127.0.0.1:${ports.https}/api/nodes?x=1`);

  const named = await plainHttp('/', 'GET', `localhost:${ports.http}`);
  assert.equal(named.headers.location, `https://localhost:${ports.https}/`);
});

test('redirect rejects foreign hosts', async () => {
  for (const host of ['evil.example', `evil.example:${ports.http}`, '127.0.0.1.evil.example']) {
    const response = await plainHttp('/login', 'GET', host);
    assert.equal(response.statusCode, 400, host);
    assert.equal(response.headers.location, undefined, host);
  }
});

test('HTTPS rejects foreign hosts', async () => {
  const result = await request('/api/nodes', { user: users.viewer, headers: { host: 'evil.example' }, anyHost: true });
  assert.equal(result.status, 421);
  assert.doesNotMatch(result.body, /"id"/);
});

test('TLS 1.2 uses an intermediate cipher', async () => {
  const socket = tlsConnect({ host: '127.0.0.1', port: ports.https, ca: stack.ca, maxVersion: 'TLSv1.2' });
  await once(socket, 'secureConnect');
  const cipher = socket.getCipher();
  const authorized = socket.authorized;
  socket.end();
  assert.equal(authorized, true);
  assert.equal(cipher.version, 'TLSv1.2');
  assert.ok(mozillaIntermediateCiphers.split(':').includes(cipher.name), cipher.name);
});

for (const route of ['/', '/api/nodes', '/api/health']) {
  test(`auth on ${route}: none, wrong, right`, async () => {
    const none = await request(route);
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic /);

    const bad = await request(route, { user: wrong });
    assert.equal(bad.status, 401);

    const unknown = await request(route, { user: { name: 'mallory', password: 'guess-123456' } });
    assert.equal(unknown.status, 401);

    const good = await request(route, { user: users.viewer });
    assert.equal(good.status, 200);
  });
}

test('security headers once on each response', async () => {
  for (const result of [await request('/api/health', { user: users.viewer }), await request('/'), await request('/', { user: users.viewer })]) {
    for (const [name, value] of Object.entries(securityHeaders)) {
      assert.equal(result.headers[name], value, `${name} on ${result.status}`);
    }
  }
});

test('user added later can log in', async () => {
  const extra = { name: 'walter', password: 'walter-password-1' };
  const added = await runGatehouse(['user', 'add', extra.name, '--role', 'viewer', '--password-stdin', '--config', stack.configFile], `${extra.password}\n`);
  assert.equal(added.code, 0, added.stderr);
  const mode = (await stat(path.join(stack.dataDir, 'users.htpasswd'))).mode & 0o777;
  assert.equal(mode, process.getuid?.() === 0 ? 0o640 : 0o600);

  // nginx reads the file on every request; the hub notices the new user within its file check interval.
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
    status = (await request('/api/nodes', { user: extra })).status;
    await delay(100);
  }
  assert.equal(status, 200);
});

test('REST nodes through nginx', async () => {
  await stack.radio.write('[21] BAT:3.31v F:71.36 H:44.20 SS:-77\n');
  let nodes: Array<{ id: number }> = [];
  for (let attempt = 0; attempt < 50 && !nodes.some((node) => node.id === 21); attempt += 1) {
    nodes = JSON.parse((await request('/api/nodes', { user: users.viewer })).body) as Array<{ id: number }>;
    await delay(20);
  }
  assert.ok(nodes.some((node) => node.id === 21));
  const missing = await request('/api/nodes/999', { user: users.viewer });
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'NODE_NOT_FOUND');
});

test('websocket snapshot has user and role', async () => {
  const socket = await websocket({ user: users.operator });
  const snapshot = await socket.waitFor((message) => message.type === 'snapshot');
  await socket.close();
  assert.deepEqual(snapshot.user, { name: users.operator.name, role: 'operator' });
  assert.ok(Array.isArray(snapshot.nodes));
});

test('websocket auth: none and wrong', async () => {
  await assert.rejects(websocket(), rejectedWith(401));
  await assert.rejects(websocket({ user: wrong }), rejectedWith(401));
});

test('websocket origin check', async () => {
  for (const foreign of ['https://evil.example', `http://127.0.0.1:${ports.https}`, `https://127.0.0.1:${ports.http}`, 'https://127.0.0.1', 'null']) {
    await assert.rejects(websocket({ user: users.admin, origin: foreign }), rejectedWith(403), foreign);
  }
  await assert.rejects(websocket({ user: users.admin, origin: null, headers: { 'sec-fetch-mode': 'websocket' } }), rejectedWith(403));

  const script = await websocket({ user: users.viewer, origin: null });
  const snapshot = await script.waitFor((message) => message.type === 'snapshot');
  await script.close();
  assert.equal(snapshot.type, 'snapshot');
});

test('spoofed identity headers are ignored', async () => {
  const secret = (await readFile(path.join(stack.dataDir, 'proxy-secret'), 'utf8')).trim();
  const spoofed = { 'x-gatehouse-user': users.admin.name, 'x-forwarded-for': '10.0.0.1', 'x-real-ip': '10.0.0.1', forwarded: 'for=10.0.0.1', 'x-gatehouse-secret': secret };

  const rest = await request('/api/nodes/14/commands', { user: users.viewer, method: 'POST', body: { payload: 'CLS' }, headers: spoofed });
  assert.equal(rest.status, 403);

  const socket = await websocket({ user: users.viewer, headers: spoofed });
  const snapshot = await socket.waitFor((message) => message.type === 'snapshot');
  socket.send({ type: 'command', id: 's1', nodeId: 14, payload: 'CLS' });
  const reply = await socket.waitFor((message) => message.id === 's1');
  await socket.close();
  assert.deepEqual(snapshot.user, { name: users.viewer.name, role: 'viewer' });
  assert.equal((reply.error as { code: string } | undefined)?.code, 'AUTH_FORBIDDEN');
  assert.doesNotMatch(stack.radio.received, /14:CLS/);
});

test('radio line reaches the websocket', async () => {
  const socket = await websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await stack.radio.write('[11] MOTION BAT:3.27v SS:-64\n');
  const message = await socket.waitFor((update) => update.type === 'node' && (update.node as { id: number }).id === 11);
  await socket.close();
  assert.equal((message.node as { rssi: number }).rssi, -64);
});

test('operator commands reach the radio', async () => {
  const socket = await websocket({ user: users.operator });
  await socket.waitFor((message) => message.type === 'snapshot');
  socket.send({ type: 'command', id: 'n1', nodeId: 15, payload: 'OPN' });
  const reply = await socket.waitFor((message) => message.id === 'n1');
  await socket.close();
  assert.equal(reply.type, 'reply');
  await stack.radio.waitForLine('15:OPN');

  const rest = await request('/api/nodes/34/commands', { user: users.operator, method: 'POST', body: { payload: 'BTN1:1' } });
  assert.equal(rest.status, 202);
  await stack.radio.waitForLine('34:BTN1:1');
});

test('hub pings pass through nginx', async () => {
  // nginx.yaml sets hub.pingIntervalSeconds to 5, and the hub itself runs with the same value.
  const socket = await websocket({ user: users.viewer });
  const pinged = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 8000);
    socket.socket.once('ping', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  await socket.close();
  assert.equal(pinged, true);
});
