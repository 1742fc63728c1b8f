import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runGatehouse } from '../support/processes.js';
import { type HttpResult, type MessageSocket, Stack, users } from '../support/stack.js';

const encryptKey = 'sampleKey1234567';

let stack: Stack;
let proxySecret: string;
const sockets: MessageSocket[] = [];
/** Every API response the test received, except the one-time replies that create a token. */
const responses: Array<{ label: string; result: HttpResult }> = [];
/** Secret parts of the tokens created, which must appear nowhere but in the create replies. */
const tokenSecrets: string[] = [];

before(async () => {
  stack = await Stack.start();
  proxySecret = (await readFile(path.join(stack.dataDir, 'proxy-secret'), 'utf8')).trim();
});
after(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await stack.stop();
});

/** The part of `ght_<id>_<secret>` after the id. */
function secretOf(token: string): string {
  return token.slice('ght_'.length + 17);
}

async function get(requestPath: string, user: { name: string; password: string }): Promise<HttpResult> {
  const result = await stack.request(requestPath, { user });
  responses.push({ label: `GET ${requestPath} as ${user.name}`, result });
  return result;
}

/** A request straight to the hub, as the front forwards one for `identity`. */
async function hubGet(requestPath: string, identity: string): Promise<HttpResult> {
  const outgoing = request({
    host: '127.0.0.1',
    port: stack.ports.hub,
    path: requestPath,
    headers: { 'x-gatehouse-secret': proxySecret, 'x-gatehouse-user': identity },
    agent: false,
  });
  outgoing.end();
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) {
    body += (chunk as Buffer).toString('utf8');
  }
  const result = { status: response.statusCode ?? 0, headers: response.headers, body };
  responses.push({ label: `hub GET ${requestPath} as ${identity}`, result });
  return result;
}

test('secrets never leave the hub', async () => {
  const adminSocket = await stack.websocket({ user: users.admin });
  const viewerSocket = await stack.websocket({ user: users.viewer });
  sockets.push(adminSocket, viewerSocket);

  // The radio gateway prints its encryption key at start; the hub must keep it to itself.
  await stack.radio.write(`ENCRYPTKEY:${encryptKey}\r\n`);
  await stack.radio.write(`GATEWAYSTART ENCRYPTKEY:${encryptKey}\r\n`);
  await stack.radio.write('[14] T:21.5 RSSI:-60\r\n');
  await viewerSocket.waitFor((message) => message.type === 'node');
  await viewerSocket.waitFor((message) => message.type === 'link' && ((message.link as { linesRead: number }).linesRead ?? 0) >= 3, 5000);

  const cliToken = await runGatehouse(['token', 'create', 'cli-script', '--role', 'operator', '--config', stack.configFile]);
  assert.equal(cliToken.code, 0, cliToken.stderr);
  tokenSecrets.push(secretOf(cliToken.stdout.trim()));

  const apiToken = await stack.request('/api/tokens', { user: users.admin, method: 'POST', body: { name: 'api-script', role: 'viewer' } });
  assert.equal(apiToken.status, 201, apiToken.body);
  const token = (JSON.parse(apiToken.body) as { token: string }).token;
  tokenSecrets.push(secretOf(token));
  assert.equal(tokenSecrets.every((secret) => secret.length === 43), true);

  const operatorSocket = await stack.websocket({ user: users.operator });
  sockets.push(operatorSocket);
  operatorSocket.send({ type: 'command', id: 'secret-test-1', nodeId: 14, payload: 'OPN' });
  await operatorSocket.waitFor((message) => message.type === 'reply' && message.id === 'secret-test-1');
  const restCommand = await stack.request('/api/nodes/14/commands', { user: users.operator, method: 'POST', body: { payload: 'CLS' } });
  responses.push({ label: 'POST command', result: restCommand });
  assert.equal(restCommand.status, 202);

  // A token through the front authenticates a script, and the reply contains no secret.
  const bearer = await stack.request('/api/nodes', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(bearer.status, 200);
  responses.push({ label: 'GET /api/nodes with a bearer token', result: bearer });
  const asToken = await hubGet('/api/nodes', 'token:cli-script');
  assert.equal(asToken.status, 200);

  for (const requestPath of ['/api/health', '/api/nodes', '/api/nodes/14', '/api/users', '/api/tokens', '/api/audit?limit=1000']) {
    const result = await get(requestPath, users.admin);
    assert.equal(result.status, 200, `${requestPath}: ${result.body}`);
  }
  await get('/api/health', users.viewer);
  const audit = JSON.parse(responses.find((entry) => entry.label.startsWith('GET /api/audit'))?.result.body ?? '[]') as Array<{ kind: string }>;
  assert.ok(audit.some((event) => event.kind === 'command'));
  assert.ok(audit.some((event) => event.kind === 'tokenChanged'));

  const secrets: Array<[string, string]> = [
    ['encryption key', encryptKey],
    ['proxy secret', proxySecret],
    ...Object.values(users).map((user): [string, string] => [`password of ${user.name}`, user.password]),
    ...tokenSecrets.map((secret, index): [string, string] => [`token secret ${index}`, secret]),
  ];
  const places: Array<[string, string]> = [
    ...sockets.flatMap((socket, index) => socket.messages.map((message, number): [string, string] => [`websocket ${index} message ${number}`, JSON.stringify(message)])),
    ...responses.map((entry): [string, string] => [entry.label, `${JSON.stringify(entry.result.headers)}\n${entry.result.body}`]),
    ['hub log', stack.hub?.output ?? ''],
    ['front log', stack.front?.output ?? ''],
    ['token list output', (await runGatehouse(['token', 'list', '--config', stack.configFile])).stdout],
    ['tokens.json', await readFile(path.join(stack.dataDir, 'tokens.json'), 'utf8')],
  ];
  for (const name of await readdir(path.join(stack.dataDir, 'audit'))) {
    places.push([`audit file ${name}`, await readFile(path.join(stack.dataDir, 'audit', name), 'utf8')]);
  }
  assert.ok(places.length > 20);
  for (const [secretName, secret] of secrets) {
    for (const [placeName, text] of places) {
      assert.equal(text.includes(secret), false, `${secretName} found in ${placeName}`);
    }
  }
});
