import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * bcrypt cost for new hashes: 2^10 key expansion rounds. 10 is the minimum that the OWASP Password
 * Storage Cheat Sheet recommends. bcryptjs 3 (pure JavaScript, Node 20) took about 85 ms per check at
 * cost 10 on one AMD EPYC core. A Raspberry Pi 4 core is several times slower, so a check there should
 * take well under a second, an estimate that was not measured. The verifier caches successful checks,
 * so each user pays that once per cache lifetime, not once per request. `htpasswd -B` defaults to cost 5;
 * those hashes verify too, only faster.
 */
export const defaultBcryptCost = 10;

/** The lowest and highest costs that bcrypt's hash format allows. */
export const minBcryptCost = 4;
export const maxBcryptCost = 31;

/**
 * Hashes a password into the `$2y$` form that Apache's `htpasswd -B` writes. bcryptjs writes `$2b$`.
 * Both prefixes mark a correct bcrypt: `$2y$` is crypt_blowfish's mark for its fix of the sign-extension
 * bug, and `$2b$` is OpenBSD's mark for its fix of the length wrap at 256 bytes. So the same password and
 * salt give the same hash under either prefix. Apache's `htpasswd -v` verifies these hashes, which a test checks.
 */
export async function hashPassword(password: string, cost: number = defaultBcryptCost): Promise<string> {
  if (!Number.isInteger(cost) || cost < minBcryptCost || cost > maxBcryptCost) {
    throw new RangeError(`bcrypt cost must be an integer from ${minBcryptCost} to ${maxBcryptCost}, not ${cost}`);
  }
  const hash = await bcrypt.hash(password, cost);
  return `$2y$${hash.slice(4)}`;
}

/**
 * Returns whether `password` matches a bcrypt hash. bcryptjs runs the rounds in slices of up to 100 ms
 * between event loop turns, so other requests still get served during a check.
 */
export async function compareBcrypt(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

const dummyHashes = new Map<number, Promise<string>>();

/**
 * Returns a hash of a random password at the given cost, made once per process and cost. Checking a
 * password against it takes as long as checking a real user's hash of that cost, so a login with an
 * unknown name costs the same time as one with a known name.
 */
export function dummyHashFor(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (hash === undefined) {
    hash = hashPassword(randomBytes(16).toString('hex'), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}
