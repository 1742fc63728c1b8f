import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type WebSocket from 'ws';
import { HubHarness, hubUsers } from './hub-harness.js';

let harness: HubHarness;
let sender: { socket: WebSocket; messages: string[] };
let bystander: { socket: WebSocket; messages: string[] };

before(async () => {
  harness = await HubHarness.start();
  sender = await harness.websocket(hubUsers.operator.name);
  bystander = await harness.websocket(hubUsers.viewer.name);
});
after(async () => {
  sender.socket.close();
  bystander.socket.close();
  await harness.stop();
});

/** Waits until `messages` has an element that satisfies `match`, polling for at most 5 s. */
async function waitFor(messages: string[], match: (text: string) => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (messages.some(match)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no matching message within 5 s; got ${JSON.stringify(messages.slice(-5))}`);
}

const anyMessage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 1500 }),
  fc.json({ maxDepth: 4 }),
  fc.record({ type: fc.constantFrom('command', 'snapshot', 'reply', 'error'), id: fc.anything(), nodeId: fc.anything(), payload: fc.anything() }).map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      // fc.anything() can produce a BigInt, which JSON.stringify rejects.
      return '{"type":"command","nodeId":1n}';
    }
  }),
);

let sentinelCount = 0;

test('websocket fuzz never leaks or crashes', async () => {
  const bystanderBefore = bystander.messages.length;
  await fc.assert(
    fc.asyncProperty(anyMessage, fc.boolean(), async (text, binary) => {
      sender.messages.length = 0;
      sender.socket.send(binary ? Buffer.from(text, 'utf8') : text);
      // A command to node 1, the radio gateway, always gets an error reply with this id; replies
      // come in order, so once it arrives the fuzz message has been handled.
      sentinelCount += 1;
      const sentinel = `sentinel-${sentinelCount}`;
      sender.socket.send(JSON.stringify({ type: 'command', id: sentinel, nodeId: 1, payload: 'OPN' }));
      await waitFor(sender.messages, (message) => message.includes(`"${sentinel}"`));

      const replies = sender.messages.filter((message) => !message.includes(`"${sentinel}"`));
      assert.ok(replies.length <= 1, `more than one reply: ${JSON.stringify(replies)}`);
      for (const reply of replies) {
        const type = (JSON.parse(reply) as { type?: string }).type;
        assert.ok(type === 'error' || type === 'reply', reply);
      }
      assert.equal(sender.socket.readyState, sender.socket.OPEN);
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(bystander.messages.slice(bystanderBefore), []);
  assert.equal(harness.logs.some((record) => record.level >= 50), false, JSON.stringify(harness.logs.filter((record) => record.level >= 50)));
});

test('oversized message closes only the sender', async () => {
  const extra = await harness.websocket(hubUsers.operator.name);
  const closed = new Promise<number>((resolve) => extra.socket.once('close', (code) => resolve(code)));
  extra.socket.send('x'.repeat(5000));
  assert.equal(await closed, 1009);
  assert.equal(sender.socket.readyState, sender.socket.OPEN);
  assert.equal(bystander.socket.readyState, bystander.socket.OPEN);
});

const routes: Array<[string, string]> = [
  ['POST', '/api/nodes/14/commands'],
  ['POST', '/api/users'],
  ['PATCH', '/api/users/olivia'],
  ['POST', '/api/tokens'],
  ['GET', '/api/audit'],
];

test('REST fuzz gives no unlogged 500', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.string({ maxLength: 500 }), fc.json({ maxDepth: 4 })), async ([method, url], body) => {
      const response = await harness.request(method, url, hubUsers.admin.name, body);
      if (response.status >= 500) {
        assert.ok(harness.logs.some((record) => record.msg === 'request failed'), `${method} ${url} ${body} gave ${response.status} without a log line`);
      }
      assert.ok(response.status < 500, `${method} ${url} ${body}: ${response.status} ${response.body}`);
    }),
    { numRuns: 300 },
  );
  const users = await harness.request('GET', '/api/users', hubUsers.admin.name);
  assert.equal((users.json as unknown[]).length, 3);
});
