import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LogEntry } from '../../src/protocol/index.js';
import { HubHarness, hubUsers } from './hub-harness.js';

let harness: HubHarness;

before(async () => {
  harness = await HubHarness.start();
});
after(() => harness.stop());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function logEntries(messages: string[]): LogEntry[] {
  return messages
    .map((text) => JSON.parse(text) as { type: string; entries?: LogEntry[] })
    .filter((message) => message.type === 'log')
    .flatMap((message) => message.entries ?? []);
}

test('a line that arrives just before a subscription reaches the subscriber once', async () => {
  for (let round = 0; round < 5; round += 1) {
    const client = await harness.websocket(hubUsers.operator.name);
    const line = `[4${round}] MOTION BAT:3.1v SS:-60`;
    await harness.radio.write(`${line}\n`);
    // Wait until the hub has the line in its log but has not sent the 250 ms batch yet.
    for (let attempt = 0; attempt < 100 && !harness.hub.liveLog.recent().some((entry) => entry.text === line); attempt += 1) {
      await sleep(5);
    }
    client.socket.send(JSON.stringify({ type: 'subscribeLog', id: 'log', enabled: true }));
    await sleep(700);
    const copies = logEntries(client.messages).filter((entry) => entry.text === line);
    assert.equal(copies.length, 1, `round ${round}: ${copies.length} copies of the line`);
    client.socket.close();
  }
});

test('a viewer may not subscribe to the live log', async () => {
  const client = await harness.websocket(hubUsers.viewer.name);
  client.socket.send(JSON.stringify({ type: 'subscribeLog', id: 'log', enabled: true }));
  await harness.radio.write('[50] MOTION SS:-60\n');
  await sleep(700);
  const errors = client.messages.map((text) => JSON.parse(text) as { type: string; id?: string; error?: { code: string } }).filter((message) => message.type === 'error');
  assert.equal(errors[0]?.error?.code, 'AUTH_FORBIDDEN');
  assert.equal(logEntries(client.messages).length, 0);
  client.socket.close();
});

test('the live log redacts the radio network key', async () => {
  const client = await harness.websocket(hubUsers.admin.name);
  client.socket.send(JSON.stringify({ type: 'subscribeLog', id: 'log', enabled: true }));
  await harness.radio.write('ENCRYPTKEY:SampleKey123456\nGATEWAYSTART ENCRYPTKEY:SampleKey123456 SYSFREQ:915000000\n');
  await sleep(700);
  const texts = logEntries(client.messages).map((entry) => entry.text);
  assert.ok(texts.some((text) => text.startsWith('GATEWAYSTART')), JSON.stringify(texts));
  assert.ok(texts.every((text) => !text.includes('SampleKey123456')), JSON.stringify(texts));
  client.socket.close();
});

test('a demoted operator stops getting the live log', async () => {
  const client = await harness.websocket(hubUsers.operator.name);
  client.socket.send(JSON.stringify({ type: 'subscribeLog', id: 'log', enabled: true }));
  await sleep(300);
  const demoted = await harness.request('PATCH', `/api/users/${hubUsers.operator.name}`, hubUsers.admin.name, { role: 'viewer' });
  assert.equal(demoted.status, 200, demoted.body);
  harness.hub.setPingInterval(100);
  await sleep(400);
  const before = logEntries(client.messages).length;
  await harness.radio.write('[51] MOTION SS:-60\n');
  await sleep(700);
  assert.equal(logEntries(client.messages).length, before);
  assert.equal(client.socket.readyState, client.socket.OPEN, 'a viewer may still watch nodes');
  client.socket.close();
});

test('a removed user loses the websocket', async () => {
  const client = await harness.websocket(hubUsers.viewer.name);
  const closed = new Promise<number>((resolve) => client.socket.once('close', (code: number) => resolve(code)));
  const removed = await harness.request('DELETE', `/api/users/${hubUsers.viewer.name}`, hubUsers.admin.name);
  assert.equal(removed.status, 204, removed.body);
  harness.hub.setPingInterval(100);
  const code = await Promise.race([closed, sleep(3000).then(() => 0)]);
  assert.equal(code, 4403);
});
