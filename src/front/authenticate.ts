import type { CredentialVerifier } from '../auth/types.js';
import { parseBasicAuthorization } from './basic-auth.js';
import type { FailedLoginLog } from './failed-login-log.js';

export type AuthenticationResult = { ok: true; user: string } | { ok: false; message: string };

/**
 * Check the `Authorization` header of a request from `client` (the peer address). A header that is
 * present but invalid or wrong counts as a failed login and is logged. A missing header is not
 * logged, because every browser sends its first request without one. Rejects only when the
 * verifier itself fails.
 */
export async function authenticate(
  authorization: string | undefined,
  client: string,
  verifier: CredentialVerifier,
  failedLogins: FailedLoginLog,
): Promise<AuthenticationResult> {
  const parsed = parseBasicAuthorization(authorization);

  switch (parsed.kind) {
    case 'missing':
      return { ok: false, message: 'authentication required: sign in with a Gatehouse user name and password' };
    case 'invalid':
      failedLogins.record(client, undefined, `invalid Authorization header: ${parsed.reason}`);
      return { ok: false, message: 'the Authorization header is invalid: expected "Basic" and the base64 of user:password' };
    case 'basic':
      if (await verifier.verify(parsed.user, parsed.password)) {
        return { ok: true, user: parsed.user };
      }
      failedLogins.record(client, parsed.user, 'wrong user name or password');
      return { ok: false, message: 'the user name or password is wrong' };
  }
}

/** Peer address without the IPv4-mapped IPv6 prefix that a dual-stack listener reports. */
export function clientAddressOf(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) {
    return 'unknown';
  }
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
}
