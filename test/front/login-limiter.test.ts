import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LoginLimiter } from '../../src/front/login-limiter.js';

function createLimiter(maxTrackedKeys?: number): { limiter: LoginLimiter; advance: (ms: number) => void } {
  let now = 1_700_000_000_000;
  const limiter = new LoginLimiter({
    freeFailures: 3,
    maxDelayMs: 8000,
    windowMs: 60_000,
    now: () => now,
    ...(maxTrackedKeys === undefined ? {} : { maxTrackedKeys }),
  });
  return {
    limiter,
    advance: (ms) => {
      now += ms;
    },
  };
}

void describe('LoginLimiter', () => {
  void test('free failures are not delayed', () => {
    const { limiter } = createLimiter();
    limiter.recordFailure(['a']);
    limiter.recordFailure(['a']);
    assert.equal(limiter.retryAfterMs(['a']), 0);
  });

  void test('delay doubles up to the maximum', () => {
    const { limiter, advance } = createLimiter();
    const delays: number[] = [];
    for (let failure = 1; failure <= 8; failure += 1) {
      limiter.recordFailure(['a']);
      delays.push(limiter.retryAfterMs(['a']));
      advance(delays.at(-1) ?? 0);
    }
    assert.deepEqual(delays, [0, 0, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  void test('delay ends after its time', () => {
    const { limiter, advance } = createLimiter();
    for (let failure = 0; failure < 4; failure += 1) {
      limiter.recordFailure(['a']);
    }
    assert.equal(limiter.retryAfterMs(['a']), 2000);
    advance(1500);
    assert.equal(limiter.retryAfterMs(['a']), 500);
    advance(500);
    assert.equal(limiter.retryAfterMs(['a']), 0);
  });

  void test('window forgets old failures', () => {
    const { limiter, advance } = createLimiter();
    for (let failure = 0; failure < 12; failure += 1) {
      limiter.recordFailure(['a']);
    }
    assert.equal(limiter.retryAfterMs(['a']), 8000);
    advance(60_000);
    assert.equal(limiter.retryAfterMs(['a']), 0);
    limiter.recordFailure(['a']);
    assert.equal(limiter.retryAfterMs(['a']), 0);
  });

  void test('keys are counted apart', () => {
    const { limiter } = createLimiter();
    for (let failure = 0; failure < 3; failure += 1) {
      limiter.recordFailure(['address 1', 'user alice']);
    }
    assert.equal(limiter.retryAfterMs(['address 2', 'user bob']), 0);
    assert.equal(limiter.retryAfterMs(['address 2', 'user alice']), 1000);
    assert.equal(limiter.retryAfterMs(['address 1']), 1000);
  });

  void test('bound drops the stalest key', () => {
    const { limiter } = createLimiter(2);
    for (const key of ['a', 'b', 'c']) {
      for (let failure = 0; failure < 3; failure += 1) {
        limiter.recordFailure([key]);
      }
    }
    assert.equal(limiter.retryAfterMs(['a']), 0);
    assert.equal(limiter.retryAfterMs(['b']), 1000);
    assert.equal(limiter.retryAfterMs(['c']), 1000);
  });
});
