import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface VerificationCacheOptions {
  /** How long a successful check stays valid, in milliseconds. */
  ttlMs: number;
  /** Maximum number of users with a cached check; the least recently stored one goes first. */
  maxEntries: number;
  now: () => number;
}

/**
 * Successful password checks, so that a request with the same credentials skips bcrypt. Each user has
 * at most one entry: an HMAC-SHA256 of the user name and password under a key drawn at random for this
 * cache. The key never leaves the process, so the cache contains nothing that helps to guess a
 * password, and a lookup compares digests in constant time.
 */
export class VerificationCache {
  readonly #key = randomBytes(32);
  readonly #entries = new Map<string, { digest: Buffer; expiresAt: number }>();
  readonly #options: VerificationCacheOptions;

  constructor(options: VerificationCacheOptions) {
    this.#options = options;
  }

  /** Computes the digest that identifies a user name and password pair. */
  digestOf(user: string, password: string): Buffer {
    // The NUL separator keeps ("ab", "c") and ("a", "bc") apart; user names cannot contain control characters.
    return createHmac('sha256', this.#key).update(user, 'utf8').update('\0').update(password, 'utf8').digest();
  }

  /** Returns whether the user's last successful check used the credentials behind `digest` and has not expired. */
  has(user: string, digest: Buffer): boolean {
    const entry = this.#entries.get(user);
    if (entry === undefined) {
      return false;
    }
    if (this.#options.now() >= entry.expiresAt) {
      this.#entries.delete(user);
      return false;
    }
    return timingSafeEqual(entry.digest, digest);
  }

  add(user: string, digest: Buffer): void {
    this.#entries.delete(user);
    this.#entries.set(user, { digest, expiresAt: this.#options.now() + this.#options.ttlMs });
    // A Map iterates in insertion order, so the first key is the least recently stored entry.
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
