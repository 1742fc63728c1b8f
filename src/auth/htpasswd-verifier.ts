import type { Logger } from '../log/logger.js';
import { compareBcrypt, dummyHashFor } from './bcrypt-hash.js';
import type { CredentialVerifier } from './types.js';
import { resolveUsersFile } from './users-file-location.js';
import { type UsersTable, loadUsersTable, unreadableUsersTable } from './users-table.js';
import { VerificationCache } from './verification-cache.js';
import { watchFile } from './watched-file.js';

export interface HtpasswdVerifierOptions {
  /** Minimum time between two checks of the users file for changes, in milliseconds; default 1000. */
  checkIntervalMs?: number;
  /** How long a successful check is reused without bcrypt, in milliseconds; default 5 minutes. */
  cacheTtlMs?: number;
  /** Maximum number of users with a cached check; default 256. */
  maxCacheEntries?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

/** Counters for health pages and tests. */
export interface VerifierStats {
  /** bcrypt comparisons run, including those against the dummy hash. */
  bcryptChecks: number;
  cacheHits: number;
  cachedUsers: number;
}

export interface HtpasswdVerifier extends CredentialVerifier {
  stats(): VerifierStats;
}

const defaultCacheTtlMs = 5 * 60 * 1000;
const defaultMaxCacheEntries = 256;

/**
 * Creates a verifier for an Apache htpasswd file with bcrypt hashes. `location` is the data directory
 * (the file is users.htpasswd inside it) or the path of the file itself.
 *
 * The file is reloaded when it changes, checked at most once per check interval. A successful check
 * is cached for the cache lifetime, and the cache is emptied whenever the file changes, so a new
 * password or a removed user takes effect within one check interval. A name that is not in the file,
 * or whose hash is not bcrypt, costs one bcrypt comparison against a dummy hash, so the response time
 * does not reveal which names exist.
 */
export function createHtpasswdVerifier(
  location: string,
  logger?: Logger,
  options: HtpasswdVerifierOptions = {},
): HtpasswdVerifier {
  const now = options.now ?? Date.now;
  const log = logger?.child({ component: 'htpasswd' });
  const usersFile = watchFile<UsersTable>({
    path: () => resolveUsersFile(location),
    parse: (text, file) => {
      const table = loadUsersTable(text, file, log);
      // Make the dummy hash now, so that the first login with an unknown name does not also pay for it.
      void dummyHashFor(table.typicalCost);
      return table;
    },
    onReadError: (error, file) => unreadableUsersTable(error, file, log),
    ...(options.checkIntervalMs === undefined ? {} : { checkIntervalMs: options.checkIntervalMs }),
    now,
  });
  const cache = new VerificationCache({
    ttlMs: options.cacheTtlMs ?? defaultCacheTtlMs,
    maxEntries: options.maxCacheEntries ?? defaultMaxCacheEntries,
    now,
  });
  let cacheGeneration = 0;
  // Checks running now, by file generation and credentials digest: parallel requests from one browser
  // with the same credentials share one bcrypt comparison.
  const running = new Map<string, Promise<boolean>>();
  const counters = { bcryptChecks: 0, cacheHits: 0 };

  async function compare(password: string, hash: string): Promise<boolean> {
    counters.bcryptChecks += 1;
    return compareBcrypt(password, hash);
  }

  async function verify(user: string, password: string): Promise<boolean> {
    const table = await usersFile.current();
    const generation = usersFile.generation;
    if (generation !== cacheGeneration) {
      cache.clear();
      cacheGeneration = generation;
    }

    const entry = table.users.get(user);
    if (entry?.hashKind !== 'bcrypt') {
      await compare(password, await dummyHashFor(table.typicalCost));
      return false;
    }

    const digest = cache.digestOf(user, password);
    if (cache.has(user, digest)) {
      counters.cacheHits += 1;
      return true;
    }

    const key = `${generation}:${digest.toString('hex')}`;
    let check = running.get(key);
    if (check === undefined) {
      check = compare(password, entry.hash).finally(() => running.delete(key));
      running.set(key, check);
    }
    const matches = await check;
    // A check that started before the file changed must not refill the cache that the change emptied.
    if (matches && usersFile.generation === generation) {
      cache.add(user, digest);
    }
    return matches;
  }

  return {
    verify,
    stats: () => ({ ...counters, cachedUsers: cache.size }),
  };
}
