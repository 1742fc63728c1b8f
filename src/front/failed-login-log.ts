import type { Logger } from '../log/logger.js';

/** Warn lines per client address and window; repeats beyond it are counted, not logged. */
const maxLinesPerWindow = 5;
const windowMs = 60_000;
/** Bound on tracked client addresses, so a flood from many addresses cannot grow the map forever. */
const maxTrackedClients = 10_000;

interface ClientWindow {
  startedAt: number;
  logged: number;
  suppressed: number;
}

/**
 * Log each failed login at warn with the client address and the user name (never the password),
 * at most five lines per client per minute. The first line of the next window reports how many
 * failures were left out, so a password-guessing run stays visible without flooding the log.
 */
export class FailedLoginLog {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #windows = new Map<string, ClientWindow>();

  constructor(logger: Logger, now: () => number = Date.now) {
    this.#logger = logger;
    this.#now = now;
  }

  record(client: string, user: string | undefined, reason: string): void {
    const now = this.#now();
    let window = this.#windows.get(client);
    if (window === undefined || now - window.startedAt >= windowMs) {
      const suppressedBefore = window?.suppressed ?? 0;
      if (window === undefined && this.#windows.size >= maxTrackedClients) {
        this.#windows.clear();
      }
      window = { startedAt: now, logged: 0, suppressed: 0 };
      this.#windows.set(client, window);
      if (suppressedBefore > 0) {
        this.#logger.warn({ client, suppressed: suppressedBefore }, 'more failed logins from this client were not logged');
      }
    }

    if (window.logged >= maxLinesPerWindow) {
      window.suppressed += 1;
      return;
    }
    window.logged += 1;
    this.#logger.warn({ client, user, reason }, 'login failed');
  }
}
