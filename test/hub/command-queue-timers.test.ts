import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { CommandQueue, type QueuedCommand } from '../../src/hub/command-queue.js';

function queued(id: string): QueuedCommand {
  return { command: { id, nodeId: 14, payload: 'OPN', state: 'queued', time: new Date().toISOString() }, line: '14:OPN', user: 'olivia', client: '192.0.2.1' };
}

let expired: string[];
let queue: CommandQueue;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  expired = [];
  queue = new CommandQueue({ ttlMs: 1000, maxCommands: 2, onExpired: (entry) => expired.push(entry.command.id) });
});
afterEach(() => mock.timers.reset());

test('queue bounds and order', () => {
  assert.equal(queue.enabled, true);
  queue.add('radio', queued('a'));
  queue.add('radio', queued('b'));
  assert.equal(queue.hasRoom('radio'), false);
  assert.equal(queue.hasRoom('second'), true, 'each radio gateway has its own queue');
  assert.equal(queue.takeNext('radio')?.command.id, 'a');
  assert.equal(queue.takeNext('radio')?.command.id, 'b');
  assert.equal(queue.takeNext('radio'), undefined);
  mock.timers.tick(5000);
  assert.deepEqual(expired, [], 'a taken command never expires');
});

test('commands expire after TTL', () => {
  queue.add('radio', queued('a'));
  mock.timers.tick(500);
  queue.add('radio', queued('b'));
  mock.timers.tick(499);
  assert.deepEqual(expired, []);
  mock.timers.tick(1);
  assert.deepEqual(expired, ['a']);
  assert.equal(queue.size('radio'), 1);
  mock.timers.tick(500);
  assert.deepEqual(expired, ['a', 'b']);
  assert.equal(queue.size('radio'), 0);
});

test('put back keeps the deadline', () => {
  queue.add('radio', queued('a'));
  mock.timers.tick(600);
  const taken = queue.takeNext('radio');
  assert.ok(taken !== undefined);
  queue.putBack('radio', taken);
  mock.timers.tick(399);
  assert.deepEqual(expired, []);
  mock.timers.tick(1);
  assert.deepEqual(expired, ['a'], 'expires 1000 ms after it was first queued');
});

test('zero maximum disables queue', () => {
  const disabled = new CommandQueue({ ttlMs: 1000, maxCommands: 0, onExpired: () => undefined });
  assert.equal(disabled.enabled, false);
  assert.equal(disabled.hasRoom('radio'), false);
});

test('clear drops without reporting', () => {
  queue.add('radio', queued('a'));
  queue.clear();
  mock.timers.tick(5000);
  assert.deepEqual(expired, []);
  assert.equal(queue.size('radio'), 0);
});
