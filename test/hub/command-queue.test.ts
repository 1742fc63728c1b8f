import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from '../../src/protocol/index.js';
import { errorCodeOf, errorMessageOf, HubHarness, hubUsers } from './hub-harness.js';
import { hearNode, linkOpen, messagesOf, timesWritten, waitFor } from './hub-waits.js';

let harness: HubHarness;
const operator = hubUsers.operator.name;
const ttlSeconds = 4;

before(async () => {
  harness = await HubHarness.start({ commands: { queueTtlSeconds: ttlSeconds, queueMaxCommands: 2, requestTimeoutMinutes: 30 } });
  await linkOpen(harness);
  await hearNode(harness, '[14] STS:CLS SS:-58', 14);
});
after(() => harness.stop());

async function unplug(): Promise<void> {
  await harness.radio.stop();
  await waitFor('the link to close', () => (harness.hub.linkStatuses()[0]?.state !== 'open' ? true : undefined));
}

function commandUpdates(messages: string[], id: string): Command[] {
  return messagesOf(messages, 'command')
    .map((message) => message.command as Command)
    .filter((command) => command.id === id);
}

test('queued commands are sent on replug', async () => {
  const client = await harness.websocket(operator);
  try {
    await unplug();
    const first = await harness.request('POST', '/api/nodes/14/commands', operator, { payload: 'OPN' });
    assert.equal(first.status, 202, first.body);
    assert.equal((first.json as Command).state, 'queued');
    const second = await harness.request('POST', '/api/nodes/14/commands', operator, { payload: 'CLS' });
    assert.equal((second.json as Command).state, 'queued');

    const full = await harness.request('POST', '/api/nodes/14/commands', operator, { payload: 'STS' });
    assert.equal(full.status, 503, full.body);
    assert.equal(errorCodeOf(full), 'SERIAL_QUEUE_FULL');
    assert.match(errorMessageOf(full), /2 commands already wait/);
    const invalid = await harness.request('POST', '/api/nodes/14/commands', operator, { payload: 'X'.repeat(30) });
    assert.equal(invalid.status, 400, 'a command the firmware cannot take is rejected, not queued');

    await harness.radio.start();
    await harness.radio.waitForLine('14:OPN', 10_000);
    await harness.radio.waitForLine('14:CLS');
    const lines = harness.radio.received.split(/\r?\n/);
    assert.ok(lines.indexOf('14:OPN') < lines.indexOf('14:CLS'), 'sent in order');

    for (const response of [first, second]) {
      const id = (response.json as Command).id;
      const sent = await waitFor(`the sent message of ${id}`, () => commandUpdates(client.messages, id).find((command) => command.state === 'sent'));
      assert.equal(sent.nodeId, 14);
    }
  } finally {
    client.socket.close();
  }
});

test('queued command expires after its TTL', async () => {
  await linkOpen(harness);
  const client = await harness.websocket(operator);
  try {
    await unplug();
    // This time through the websocket API: the reply carries the queued command.
    client.socket.send(JSON.stringify({ type: 'command', id: 'c1', nodeId: 14, payload: 'OPNING' }));
    const reply = await waitFor('the reply', () => messagesOf(client.messages, 'reply').find((message) => message.id === 'c1'));
    const queued = reply.command as Command;
    assert.equal(queued.state, 'queued');
    const id = queued.id;

    const expired = await waitFor('the expired message', () => commandUpdates(client.messages, id).find((command) => command.state === 'expired'), (ttlSeconds + 3) * 1000);
    assert.equal(expired.payload, 'OPNING');

    await harness.radio.start();
    await linkOpen(harness);
    await delay(300);
    assert.equal(timesWritten(harness, '14:OPNING'), 0, 'an expired command is never written');
  } finally {
    client.socket.close();
  }
});

test('without a queue a closed link refuses', async () => {
  const plain = await HubHarness.start();
  try {
    await linkOpen(plain);
    await plain.radio.stop();
    await waitFor('the link to close', () => (plain.hub.linkStatuses()[0]?.state !== 'open' ? true : undefined));
    const refused = await plain.request('POST', '/api/nodes/14/commands', operator, { payload: 'OPN' });
    assert.equal(refused.status, 503);
    assert.equal(errorCodeOf(refused), 'SERIAL_LINK_CLOSED');
  } finally {
    await plain.stop();
  }
});
