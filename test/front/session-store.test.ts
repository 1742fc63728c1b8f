import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SessionStore } from '../../src/front/session-store.js';

const minute = 60_000;

function createStore(settings: { maxSessions?: number; maxSessionsPerUser?: number } = {}): { store: SessionStore; advance: (ms: number) => void } {
  let now = 1_700_000_000_000;
  const store = new SessionStore({ idleMs: 10 * minute, absoluteMs: 60 * minute, now: () => now, ...settings });
  return {
    store,
    advance: (ms) => {
      now += ms;
    },
  };
}

void describe('SessionStore', () => {
  void test('new value is 43 base64url characters', () => {
    const { store } = createStore();
    const { value, id } = store.create('alice');
    assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(id, value);
    assert.equal(Buffer.from(value, 'base64url').length, 32);
  });

  void test('use finds a live session', () => {
    const { store } = createStore();
    const { value, id } = store.create('alice');
    assert.deepEqual(store.use(value), { status: 'valid', id, user: 'alice' });
  });

  void test('unknown value', () => {
    const { store } = createStore();
    store.create('alice');
    assert.deepEqual(store.use('A'.repeat(43)), { status: 'unknown' });
  });

  void test('idle expiry and refresh', () => {
    const { store, advance } = createStore();
    const { value } = store.create('alice');
    advance(9 * minute);
    assert.equal(store.use(value).status, 'valid');
    advance(9 * minute);
    assert.equal(store.use(value).status, 'valid');
    advance(10 * minute);
    assert.equal(store.use(value).status, 'expired');
    assert.equal(store.use(value).status, 'unknown');
  });

  void test('absolute expiry despite use', () => {
    const { store, advance } = createStore();
    const { value } = store.create('alice');
    for (let step = 0; step < 11; step += 1) {
      advance(5 * minute);
      assert.equal(store.use(value).status, 'valid', `after ${(step + 1) * 5} minutes`);
    }
    advance(5 * minute);
    assert.equal(store.use(value).status, 'expired');
  });

  void test('end removes the session', () => {
    const { store } = createStore();
    const { value, id } = store.create('alice');
    assert.deepEqual(store.end(value), { id, user: 'alice' });
    assert.equal(store.use(value).status, 'unknown');
    assert.equal(store.end(value), null);
  });

  void test('end of an expired session', () => {
    const { store, advance } = createStore();
    const { value } = store.create('alice');
    advance(11 * minute);
    assert.equal(store.end(value), null);
  });

  void test('evicts the oldest at the bound', () => {
    const { store } = createStore({ maxSessions: 3 });
    const values = ['a', 'b', 'c', 'd'].map((user) => store.create(user).value);
    assert.equal(store.size, 3);
    assert.equal(store.use(values[0] ?? '').status, 'unknown');
    assert.equal(store.use(values[3] ?? '').status, 'valid');
  });

  void test('per-user bound keeps other users', () => {
    const { store } = createStore({ maxSessionsPerUser: 2 });
    const bob = store.create('bob').value;
    const alice = [1, 2, 3].map(() => store.create('alice').value);
    assert.equal(store.use(bob).status, 'valid');
    assert.equal(store.use(alice[0] ?? '').status, 'unknown');
    assert.equal(store.use(alice[2] ?? '').status, 'valid');
  });

  void test('creating drops expired sessions', () => {
    const { store, advance } = createStore();
    store.create('alice');
    store.create('bob');
    advance(11 * minute);
    store.create('carol');
    assert.equal(store.size, 1);
  });
});
