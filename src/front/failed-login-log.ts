import type { Logger } from '../log/logger.js';

/** "login delayed" lines per client address and window; repeats beyond it are counted, not logged. */
const maxDelayedLinesPerWindow = 1;
const windowMs = 60_000;
/** Bound on tracked client addresses, so a flood from many addresses cannot grow the map forever. */
const maxTrackedClients = 10_000;

interface ClientWindow {
  startedAt: number;
  logged: number;
  suppressed: number;
}

/**
 * Logs failed and delayed logins at warn with the client address and the user name, never the
 * password or token.
 *
 * Every failed login gets its own "login failed" line, because fail2ban counts those lines (see
 * deploy/fail2ban/filter.d/gatehouse.conf, which matches the exact field order written here:
 * `client` first, then `user`). The login limits already bound how fast one address or name can
 * fail. A delayed attempt (429) is checked against nothing, so those lines are limited to one per
 * client per minute, and the next line reports how many were left out.
 */
export class FailedLoginLog {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #windows = new Map<string, ClientWindow>();

  constructor(logger: Logger, now: () => number = Date.now) {
    this.#logger = logger;
    this.#now = now;
  }

  /** Log one failed login. `user` is null when the request named no user (a malformed header or a token). */
  failed(client: string, user: string | null, reason: string): void {
    this.#logger.warn({ client, user, reason }, 'login failed');
  }

  /** Log an attempt rejected with 429, at most once per client per minute. */
  delayed(client: string, user: string | null, retryAfterSeconds: number): void {
    const now = this.#now();
    let window = this.#windows.get(client);
    if (window === undefined || now - window.startedAt >= windowMs) {
      const suppressed = window?.suppressed ?? 0;
      if (window === undefined && this.#windows.size >= maxTrackedClients) {
        this.#windows.clear();
      }
      window = { startedAt: now, logged: 0, suppressed };
      this.#windows.set(client, window);
    }
    if (window.logged >= maxDelayedLinesPerWindow) {
      window.suppressed += 1;
      return;
    }
    window.logged += 1;
    this.#logger.warn({ client, user, retryAfterSeconds, notLoggedBefore: window.suppressed }, 'login delayed');
    window.suppressed = 0;
  }
}
