import type { AuditRecorder } from '../audit/types.js';
import { type CredentialVerifier, type TokenVerifier, tokenIdentityPrefix } from '../auth/types.js';
import type { ErrorCode } from '../errors/index.js';
import { basicChallenge, parseBasicAuthorization } from './basic-auth.js';
import { isBearerScheme, parseBearerAuthorization } from './bearer-auth.js';
import type { FailedLoginLog } from './failed-login-log.js';
import { addressKey, type LoginLimiter, userKey } from './login-limiter.js';
import { expiredSessionCookie, parseSessionCookies, sessionCookie } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

export interface AuthenticatorOptions {
  verifier: CredentialVerifier;
  tokens: TokenVerifier;
  audit: AuditRecorder;
  sessions: SessionStore;
  limiter: LoginLimiter;
  failedLogins: FailedLoginLog;
  now?: () => number;
}

/** The credentials of a request and the client address it came from. */
export interface RequestCredentials {
  authorization: string | undefined;
  cookie: string | undefined;
  client: string;
  /** Whether a basic-auth success starts a session and returns its cookie; default true. */
  startSession?: boolean;
}

export type AuthenticationResult =
  | {
      ok: true;
      /** User name, or `token:<name>` for an API token. */
      user: string;
      /** Id of the session the request belongs to, or null for a token. */
      sessionId: string | null;
      /** A `Set-Cookie` value for the response, or null. */
      setCookie: string | null;
    }
  | { ok: false; status: 401 | 429; code: ErrorCode; message: string; headers: Record<string, string> };

/** tokenUsed is recorded at most once per token and this interval, so a polling script does not fill the audit log. */
const tokenAuditIntervalMs = 60_000;
const maxTrackedTokens = 10_000;

const sessionDetailLength = 16;

/**
 * Authenticates requests and websocket upgrades: a valid session cookie first, then an API token
 * (`Authorization: Bearer`), then HTTP basic auth, which starts a session. Failed passwords and
 * tokens count against the client address (and the user name for passwords) in the login limits,
 * and a delayed address or name gets 429 before any password is checked. Never rejects unless a
 * verifier does.
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly #now: () => number;
  readonly #tokenAuditedAt = new Map<string, number>();

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(credentials: RequestCredentials): Promise<AuthenticationResult> {
    const { client } = credentials;
    const { audit, sessions } = this.#options;

    let staleCookie = false;
    for (const value of parseSessionCookies(credentials.cookie)) {
      const session = sessions.use(value);
      if (session.status === 'valid') {
        return { ok: true, user: session.user, sessionId: session.id, setCookie: null };
      }
      if (session.status === 'expired') {
        audit.record({ kind: 'sessionExpired', user: session.user, client, detail: { session: session.id.slice(0, sessionDetailLength) } });
      }
      staleCookie = true;
    }
    // An expired or unknown cookie is deleted from the browser unless a new session replaces it.
    const clearCookie: Record<string, string> = staleCookie ? { 'set-cookie': expiredSessionCookie } : {};

    const authorization = credentials.authorization ?? '';
    if (authorization === '') {
      return this.#unauthorized('authentication required: sign in with a Gatehouse user name and password', clearCookie);
    }
    if (isBearerScheme(authorization)) {
      return this.#authenticateToken(authorization, client, clearCookie);
    }

    const parsed = parseBasicAuthorization(authorization);
    const user = parsed.kind === 'basic' ? parsed.user : null;
    const keys = user === null ? [addressKey(client)] : [addressKey(client), userKey(user)];
    const delayed = this.#delayedResult(keys, client, user);
    if (delayed !== null) {
      return delayed;
    }

    if (parsed.kind !== 'basic') {
      const reason = parsed.kind === 'invalid' ? `invalid Authorization header: ${parsed.reason}` : 'no credentials';
      this.#recordFailure(keys, client, null, reason, 'loginFailed');
      return this.#unauthorized('the Authorization header is invalid: expected "Basic" and the base64 of user:password', clearCookie);
    }
    if (!(await this.#options.verifier.verify(parsed.user, parsed.password))) {
      this.#recordFailure(keys, client, parsed.user, 'wrong user name or password', 'loginFailed');
      return this.#unauthorized('the user name or password is wrong', clearCookie);
    }

    if (credentials.startSession === false) {
      return { ok: true, user: parsed.user, sessionId: null, setCookie: null };
    }
    const session = sessions.create(parsed.user);
    const detail = { session: session.id.slice(0, sessionDetailLength) };
    audit.record({ kind: 'login', user: parsed.user, client });
    audit.record({ kind: 'sessionStarted', user: parsed.user, client, detail });
    return { ok: true, user: parsed.user, sessionId: session.id, setCookie: sessionCookie(session.value, sessions.cookieMaxAgeSeconds) };
  }

  /** End the session of the first live session cookie in `cookie`; returns its id, or null when there was none. */
  endSession(cookie: string | undefined, client: string): string | null {
    for (const value of parseSessionCookies(cookie)) {
      const ended = this.#options.sessions.end(value);
      if (ended !== null) {
        this.#options.audit.record({ kind: 'sessionEnded', user: ended.user, client, detail: { session: ended.id.slice(0, sessionDetailLength) } });
        return ended.id;
      }
    }
    return null;
  }

  async #authenticateToken(authorization: string, client: string, clearCookie: Record<string, string>): Promise<AuthenticationResult> {
    const keys = [addressKey(client)];
    const delayed = this.#delayedResult(keys, client, null);
    if (delayed !== null) {
      return delayed;
    }

    const parsed = parseBearerAuthorization(authorization);
    const verified = parsed.kind === 'bearer' ? await this.#options.tokens.verify(parsed.token) : null;
    if (verified === null) {
      const reason = parsed.kind === 'invalid' ? `invalid Authorization header: ${parsed.reason}` : 'unknown, revoked or expired API token';
      this.#recordFailure(keys, client, null, reason, 'tokenRejected');
      return this.#unauthorized('the API token is invalid, revoked or expired', clearCookie);
    }

    const user = `${tokenIdentityPrefix}${verified.name}`;
    this.#auditTokenUse(user, client);
    return { ok: true, user, sessionId: null, setCookie: null };
  }

  #delayedResult(keys: readonly string[], client: string, user: string | null): AuthenticationResult | null {
    const retryAfterMs = this.#options.limiter.retryAfterMs(keys);
    if (retryAfterMs <= 0) {
      return null;
    }
    const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
    this.#options.failedLogins.delayed(client, user, retryAfterSeconds);
    this.#options.audit.record({ kind: 'loginDelayed', user, client, detail: { retryAfterSeconds } });
    return {
      ok: false,
      status: 429,
      code: 'AUTH_RATE_LIMITED',
      message: `too many failed logins from this address or for this user; try again in ${retryAfterSeconds} s`,
      headers: { 'retry-after': String(retryAfterSeconds) },
    };
  }

  #recordFailure(keys: readonly string[], client: string, user: string | null, reason: string, kind: 'loginFailed' | 'tokenRejected'): void {
    this.#options.limiter.recordFailure(keys);
    this.#options.failedLogins.failed(client, user, reason);
    this.#options.audit.record({ kind, user, client, detail: { reason } });
  }

  #auditTokenUse(user: string, client: string): void {
    const now = this.#now();
    const last = this.#tokenAuditedAt.get(user);
    if (last !== undefined && now - last < tokenAuditIntervalMs) {
      return;
    }
    if (last === undefined && this.#tokenAuditedAt.size >= maxTrackedTokens) {
      this.#tokenAuditedAt.clear();
    }
    this.#tokenAuditedAt.set(user, now);
    this.#options.audit.record({ kind: 'tokenUsed', user, client });
  }

  #unauthorized(message: string, extraHeaders: Record<string, string>): AuthenticationResult {
    return { ok: false, status: 401, code: 'AUTH_REQUIRED', message, headers: { ...extraHeaders, 'www-authenticate': basicChallenge } };
  }
}
