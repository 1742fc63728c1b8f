export interface LoginLimiterOptions {
  /** Failures within the window before attempts are delayed (front.loginLimits.freeFailures). */
  freeFailures: number;
  /** Cap on the delay (front.loginLimits.maxDelaySeconds), in milliseconds. */
  maxDelayMs: number;
  /** Failures older than this are forgotten (front.loginLimits.windowMinutes), in milliseconds. */
  windowMs: number;
  /** Bound on tracked keys; the least recently failed key is dropped first. */
  maxTrackedKeys?: number;
  now?: () => number;
}

interface FailureHistory {
  /** Times of the failures within the window, oldest first. */
  times: number[];
  /** No attempt is checked before this time. */
  delayedUntil: number;
}

/** The first delay; each further failure within the window doubles it, up to the maximum. */
const baseDelayMs = 1000;
/** Failures kept per key beyond the free ones; 2^20 s is far above any allowed maximum delay. */
const extraFailuresKept = 20;
const defaultMaxTrackedKeys = 20_000;

/**
 * Counts failed logins per key (a client address or a user name) and delays further attempts once a
 * key has `freeFailures` failures within the window. The delay starts at one second and doubles with
 * each further failure up to the maximum. Failures older than the window are forgotten, so every
 * delay ends by itself, and a household behind one NAT address recovers without anybody's help.
 */
export class LoginLimiter {
  readonly #histories = new Map<string, FailureHistory>();
  readonly #options: Required<Omit<LoginLimiterOptions, 'now'>>;
  readonly #now: () => number;

  constructor(options: LoginLimiterOptions) {
    this.#options = {
      freeFailures: options.freeFailures,
      maxDelayMs: options.maxDelayMs,
      windowMs: options.windowMs,
      maxTrackedKeys: options.maxTrackedKeys ?? defaultMaxTrackedKeys,
    };
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until an attempt for any of `keys` is checked again; 0 when none is delayed. */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.#now();
    let longest = 0;
    for (const key of keys) {
      const history = this.#current(key, now);
      if (history !== undefined && history.times.length >= this.#options.freeFailures) {
        longest = Math.max(longest, history.delayedUntil - now);
      }
    }
    return longest;
  }

  /** Count one failure for each key, starting or doubling its delay once past the free failures. */
  recordFailure(keys: readonly string[]): void {
    const now = this.#now();
    for (const key of keys) {
      const history = this.#current(key, now) ?? { times: [], delayedUntil: 0 };
      history.times.push(now);
      if (history.times.length > this.#options.freeFailures + extraFailuresKept) {
        history.times.shift();
      }
      const beyondFree = history.times.length - this.#options.freeFailures;
      if (beyondFree >= 0) {
        history.delayedUntil = now + Math.min(this.#options.maxDelayMs, baseDelayMs * 2 ** beyondFree);
      }
      // Re-inserting keeps the map in order of last failure, so eviction drops the stalest key.
      this.#histories.delete(key);
      if (this.#histories.size >= this.#options.maxTrackedKeys) {
        const stalest = this.#histories.keys().next().value;
        if (stalest !== undefined) {
          this.#histories.delete(stalest);
        }
      }
      this.#histories.set(key, history);
    }
  }

  /** The key's history without failures older than the window; a key with none left is removed. */
  #current(key: string, now: number): FailureHistory | undefined {
    const history = this.#histories.get(key);
    if (history === undefined) {
      return undefined;
    }
    const oldestKept = now - this.#options.windowMs;
    while (history.times.length > 0 && (history.times[0] ?? 0) <= oldestKept) {
      history.times.shift();
    }
    if (history.times.length === 0) {
      this.#histories.delete(key);
      return undefined;
    }
    return history;
  }
}

/** Limiter key of a client address. */
export function addressKey(client: string): string {
  return `address ${client}`;
}

/** Limiter key of a user name; the prefix keeps it apart from an address key. */
export function userKey(user: string): string {
  return `user ${user}`;
}
