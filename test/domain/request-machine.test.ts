import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequest, isRecent, matchConfirmation, transition } from '../../src/domain/index.js';
import type { NodeRequest } from '../../src/protocol/index.js';

const start = new Date('2026-03-01T08:00:00.000Z');
const later = (ms: number): Date => new Date(start.getTime() + ms);

function pending(overrides: Partial<Parameters<typeof createRequest>[0]> = {}): NodeRequest {
  return createRequest({ id: 'r1', gateway: 'radio', nodeId: 21, name: 'P_TXP', value: '20', user: 'olivia', time: start, timeoutMs: 60_000, ...overrides });
}

test('new request is pending with deadline', () => {
  const request = pending();
  assert.equal(request.state, 'pending');
  assert.equal(request.createdAt, start.toISOString());
  assert.equal(request.expiresAt, later(60_000).toISOString());
});

test('confirmation ends request as ok or invalid', () => {
  const ok = transition(pending(), { type: 'confirmed', result: 'ok', time: later(5000) });
  assert.equal(ok.changed, true);
  assert.equal(ok.request.state, 'ok');
  assert.equal(ok.request.updatedAt, later(5000).toISOString());
  const invalid = transition(pending(), { type: 'confirmed', result: 'invalid', time: later(5000) });
  assert.equal(invalid.request.state, 'invalid');
});

test('deadline before expiry changes nothing', () => {
  const early = transition(pending(), { type: 'deadline', time: later(59_999) });
  assert.equal(early.changed, false);
  assert.equal(early.request.state, 'pending');
  const due = transition(pending(), { type: 'deadline', time: later(60_000) });
  assert.equal(due.request.state, 'timedOut');
});

test('cancel ends a pending request', () => {
  const result = transition(pending(), { type: 'cancel', time: later(10) });
  assert.equal(result.request.state, 'cancelled');
});

test('end states are final', () => {
  const ended = transition(pending(), { type: 'cancel', time: later(10) }).request;
  for (const event of [
    { type: 'confirmed', result: 'ok', time: later(20) },
    { type: 'deadline', time: later(120_000) },
    { type: 'cancel', time: later(30) },
  ] as const) {
    const result = transition(ended, event);
    assert.equal(result.changed, false, event.type);
    assert.equal(result.request, ended, event.type);
  }
});

test('confirmation matches by node and name', () => {
  const first = pending({ id: 'a', value: '10' });
  const second = createRequest({ id: 'b', gateway: 'radio', nodeId: 21, name: 'P_TXP', value: '20', user: 'olivia', time: later(1000), timeoutMs: 60_000 });
  const other = pending({ id: 'c', nodeId: 22 });
  const all = [second, first, other];
  assert.equal(matchConfirmation(all, 21, 'P_TXP', '20')?.id, 'b', 'same value first');
  assert.equal(matchConfirmation(all, 21, 'P_TXP', '99')?.id, 'a', 'else the oldest with the name');
  assert.equal(matchConfirmation(all, 21, 'OTHER', '20'), undefined);
  assert.equal(matchConfirmation(all, 23, 'P_TXP', '20'), undefined);
});

test('ended requests are recent for the window', () => {
  const ended = transition(pending(), { type: 'cancel', time: later(0) }).request;
  assert.equal(isRecent(ended, later(3_600_000), 3_600_000), true);
  assert.equal(isRecent(ended, later(3_600_001), 3_600_000), false);
  assert.equal(isRecent(pending(), later(10 * 3_600_000), 3_600_000), true, 'pending stays');
});
