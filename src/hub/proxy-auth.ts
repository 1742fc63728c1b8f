import type { IncomingHttpHeaders } from 'node:http';
import { proxyClientHeader, proxySecretHeader, proxyUserHeader } from '../auth/proxy-headers.js';
import type { RoleResolver } from '../auth/types.js';
import { GatehouseError } from '../errors/index.js';
import type { Actor } from './commands.js';

export interface ProxyAuthOptions {
  /** Compares the presented secret with the proxy secret in constant time. */
  secretMatches: (presented: string) => boolean;
  roles: RoleResolver;
}

/**
 * Resolve who a proxied request acts for. The user and client headers mean something only next to
 * the right proxy secret, so the secret is checked first and a request without it never reaches the
 * role lookup. Throws AUTH_PROXY_REJECTED or AUTH_FORBIDDEN.
 */
export async function resolveActor(headers: IncomingHttpHeaders, options: ProxyAuthOptions): Promise<Actor> {
  const secret = single(headers[proxySecretHeader]);
  if (secret === undefined || !options.secretMatches(secret)) {
    throw new GatehouseError('AUTH_PROXY_REJECTED', 'rejected: the hub accepts requests only through the Gatehouse front', {
      context: { reason: secret === undefined ? 'missing secret' : 'wrong secret' },
    });
  }

  // The front sends the name as UTF-8 bytes, and Node exposes header bytes as latin1 characters.
  const rawName = single(headers[proxyUserHeader]);
  const name = rawName === undefined ? undefined : Buffer.from(rawName, 'latin1').toString('utf8');
  if (name === undefined || name.length === 0) {
    throw new GatehouseError('AUTH_PROXY_REJECTED', 'rejected: the front sent no user name', { context: { reason: 'missing user' } });
  }
  const role = await options.roles.roleOf(name);
  if (role === null) {
    throw new GatehouseError('AUTH_FORBIDDEN', 'forbidden: this user is not in the users file', { context: { user: name } });
  }
  return { name, role, client: single(headers[proxyClientHeader]) ?? 'unknown' };
}

/** A header sent twice is ambiguous, so it counts as absent. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
