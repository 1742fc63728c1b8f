import { createHash, randomBytes } from 'node:crypto';

export interface SessionStoreOptions {
  /** A session ends this long after its last use (front.session.idleMinutes). */
  idleMs: number;
  /** A session ends this long after it started, however active (front.session.absoluteHours). */
  absoluteMs: number;
  /** Bound on sessions in memory; the oldest is evicted when a new one would exceed it. */
  maxSessions?: number;
  /** Bound on one user's sessions, so a script that logs in on every request evicts only its own user's sessions. */
  maxSessionsPerUser?: number;
  now?: () => number;
}

interface Session {
  user: string;
  startedAt: number;
  lastUsedAt: number;
}

/** A session found by its cookie value; `id` is the SHA-256 of the value, safe to log and keep. */
export type SessionLookup =
  | { status: 'valid'; id: string; user: string }
  | { status: 'expired'; id: string; user: string }
  | { status: 'unknown' };

const defaultMaxSessions = 1000;
const defaultMaxSessionsPerUser = 20;

/**
 * Sessions of the front, in memory. The map is keyed by the SHA-256 of the cookie value, so a heap
 * dump or a timing difference in the lookup reveals hashes, never a usable cookie.
 *
 * NOTE: sessions do not survive a restart of the front. Browsers then resend the basic credentials
 * they cached at login, which creates a new session. Safari's websocket handshake never sends those
 * credentials, so the UI makes one plain request before it reconnects.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #absoluteMs: number;
  readonly #maxSessions: number;
  readonly #maxSessionsPerUser: number;
  readonly #now: () => number;

  constructor(options: SessionStoreOptions) {
    this.#idleMs = options.idleMs;
    this.#absoluteMs = options.absoluteMs;
    this.#maxSessions = options.maxSessions ?? defaultMaxSessions;
    this.#maxSessionsPerUser = options.maxSessionsPerUser ?? defaultMaxSessionsPerUser;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** How long a new session's cookie may live, in seconds: the absolute lifetime. */
  get cookieMaxAgeSeconds(): number {
    return this.#absoluteMs / 1000;
  }

  /** Start a session for `user`; returns the cookie value (32 random bytes, base64url) and the session id. */
  create(user: string): { value: string; id: string } {
    const value = randomBytes(32).toString('base64url');
    const id = sessionIdOf(value);
    const now = this.#now();
    this.#makeRoomFor(user, now);
    this.#sessions.set(id, { user, startedAt: now, lastUsedAt: now });
    return { value, id };
  }

  /** Find the session of a cookie value and mark it used. An expired session is removed and reported once. */
  use(value: string): SessionLookup {
    const id = sessionIdOf(value);
    const session = this.#sessions.get(id);
    if (session === undefined) {
      return { status: 'unknown' };
    }
    const now = this.#now();
    if (this.#isExpired(session, now)) {
      this.#sessions.delete(id);
      return { status: 'expired', id, user: session.user };
    }
    session.lastUsedAt = now;
    return { status: 'valid', id, user: session.user };
  }

  /**
   * Count an open websocket of session `id` as use, so a page left open does not hit the idle limit.
   * Returns false, and forgets the session, when it has ended (absolute lifetime, idle, eviction,
   * logout): its websockets must then be closed.
   */
  keepAlive(id: string): boolean {
    const session = this.#sessions.get(id);
    if (session === undefined) {
      return false;
    }
    const now = this.#now();
    if (this.#isExpired(session, now)) {
      this.#sessions.delete(id);
      return false;
    }
    session.lastUsedAt = now;
    return true;
  }

  /** End the session of a cookie value; returns it, or null when no live session has that value. */
  end(value: string): { id: string; user: string } | null {
    const id = sessionIdOf(value);
    const session = this.#sessions.get(id);
    if (session === undefined) {
      return null;
    }
    this.#sessions.delete(id);
    return this.#isExpired(session, this.#now()) ? null : { id, user: session.user };
  }

  #isExpired(session: Session, now: number): boolean {
    return now - session.lastUsedAt >= this.#idleMs || now - session.startedAt >= this.#absoluteMs;
  }

  /** Drop expired sessions, then the user's oldest and the overall oldest until both bounds hold for one more. */
  #makeRoomFor(user: string, now: number): void {
    const ownIds: string[] = [];
    for (const [id, session] of this.#sessions) {
      if (this.#isExpired(session, now)) {
        this.#sessions.delete(id);
      } else if (session.user === user) {
        ownIds.push(id);
      }
    }
    // Map iteration follows insertion order, so the first ids are the oldest sessions.
    while (ownIds.length >= this.#maxSessionsPerUser) {
      this.#sessions.delete(ownIds.shift() ?? '');
    }
    while (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.#sessions.delete(oldest);
    }
  }
}

function sessionIdOf(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
