import type { AuditRecorder } from '../audit/types.js';
import type { CredentialVerifier, TokenVerifier } from '../auth/types.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { Authenticator } from './authenticate.js';
import { ClientAddressResolver } from './client-address.js';
import { FailedLoginLog } from './failed-login-log.js';
import { LoginLimiter } from './login-limiter.js';
import { SessionStore } from './session-store.js';

/** front.session of the config. */
export type SessionSettings = Config['front']['session'];
/** front.loginLimits of the config. */
export type LoginLimitSettings = Config['front']['loginLimits'];

export interface FrontSecuritySettings {
  verifier: CredentialVerifier;
  tokens: TokenVerifier;
  audit: AuditRecorder;
  trustedProxies: readonly string[];
  session: SessionSettings;
  loginLimits: LoginLimitSettings;
  logger: Logger;
  now: () => number;
}

/** Build the authenticator (sessions, login limits, failed-login log) and the client address resolver of one front. */
export function createFrontSecurity(settings: FrontSecuritySettings): {
  authenticator: Authenticator;
  clientAddresses: ClientAddressResolver;
  sessions: SessionStore;
} {
  const { now } = settings;
  const sessions = new SessionStore({
    idleMs: settings.session.idleMinutes * 60_000,
    absoluteMs: settings.session.absoluteHours * 3_600_000,
    now,
  });
  const limiter = new LoginLimiter({
    freeFailures: settings.loginLimits.freeFailures,
    maxDelayMs: settings.loginLimits.maxDelaySeconds * 1000,
    windowMs: settings.loginLimits.windowMinutes * 60_000,
    now,
  });
  const authenticator = new Authenticator({
    verifier: settings.verifier,
    tokens: settings.tokens,
    audit: settings.audit,
    sessions,
    limiter,
    failedLogins: new FailedLoginLog(settings.logger, now),
    now,
  });
  return { authenticator, clientAddresses: new ClientAddressResolver(settings.trustedProxies), sessions };
}
