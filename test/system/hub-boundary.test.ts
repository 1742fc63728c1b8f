import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { Stack, users } from '../support/stack.js';

let stack: Stack;
let secret: string;
before(async () => {
  stack = await Stack.start();
  secret = (await readFile(path.join(stack.dataDir, 'proxy-secret'), 'utf8')).trim();
});
after(() => stack.stop());

async function hubGet(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const outgoing = request({ host: '127.0.0.1', port: stack.ports.hub, path: '/api/nodes', headers });
  outgoing.end();
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) {
    body += (chunk as Buffer).toString('utf8');
  }
  return { status: response.statusCode ?? 0, body };
}

async function hubUpgrade(headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${stack.ports.hub}/ws`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

test('hub rejects a request without the secret', async () => {
  const result = await hubGet({});
  assert.equal(result.status, 403);
  assert.match(result.body, /AUTH_PROXY_REJECTED/);
});

test('hub rejects a forged user with a wrong secret', async () => {
  const result = await hubGet({ 'x-gatehouse-user': users.admin.name, 'x-gatehouse-secret': 'f'.repeat(64) });
  assert.equal(result.status, 403);
});

test('hub rejects a websocket without the secret', async () => {
  assert.equal(await hubUpgrade({ 'x-gatehouse-user': users.admin.name }), 403);
  assert.equal(await hubUpgrade({ 'x-gatehouse-user': users.admin.name, 'x-gatehouse-secret': `${secret}0` }), 403);
});

test('hub accepts the secret from loopback', async () => {
  const result = await hubGet({ 'x-gatehouse-user': users.viewer.name, 'x-gatehouse-secret': secret });
  assert.equal(result.status, 200);
  assert.equal(await hubUpgrade({ 'x-gatehouse-user': users.viewer.name, 'x-gatehouse-secret': secret }), 101);
});

test('hub rejects an unknown user with the secret', async () => {
  const result = await hubGet({ 'x-gatehouse-user': 'nobody', 'x-gatehouse-secret': secret });
  assert.equal(result.status, 403);
});

test('hub rejection is logged without the secret', async () => {
  await hubGet({ 'x-gatehouse-secret': 'wrong-secret-value' });
  await stack.hub?.waitForLine(/rejected a request without the proxy secret/);
  assert.doesNotMatch(stack.hub?.output ?? '', new RegExp(secret));
  assert.doesNotMatch(stack.hub?.output ?? '', /wrong-secret-value/);
});

test('front strips client identity headers', async () => {
  // A viewer claiming to be the admin through spoofed headers stays a viewer.
  const socket = await stack.websocket({ user: users.viewer });
  await socket.close();
  const result = await stack.request('/api/nodes/14/commands', {
    user: users.viewer,
    method: 'POST',
    body: { payload: 'OPN' },
    headers: { 'x-gatehouse-user': users.admin.name, 'x-gatehouse-secret': secret, 'x-forwarded-for': '127.0.0.1' },
  });
  assert.equal(result.status, 403);
});
