import type { IncomingHttpHeaders } from 'node:http';

import type { ErrorCode } from '../errors/index.js';
import type { AllowedHosts } from './allowed-hosts.js';
import { parseHostHeader } from './host-header.js';

export type GuardResult = { ok: true } | { ok: false; status: 403 | 421; code: ErrorCode; message: string };

/**
 * Fetch metadata request headers (W3C Fetch Metadata). Browsers send them, but scripts and
 * command-line clients usually do not.
 */
const browserOnlyHeaders = ['sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest', 'sec-fetch-user'];

/**
 * Check that the Host header names this front. A request for another name reached it by a DNS
 * rebinding or a misconfigured proxy, so it gets 421 Misdirected Request (RFC 9110 section 15.5.20).
 */
export function checkHost(headers: IncomingHttpHeaders, allowedHosts: AllowedHosts): GuardResult {
  const authority = parseHostHeader(headers.host);
  if (authority === null || !allowedHosts.isAllowedHost(authority)) {
    return { ok: false, status: 421, code: 'AUTH_HOST_REJECTED', message: 'the Host header does not name this Gatehouse; use one of its own names or front.publicOrigins' };
  }
  return { ok: true };
}

/** True for methods that may change state and therefore need the Origin check (RFC 9110 section 9.2.1). */
export function needsOriginCheck(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * Check the Origin of a websocket handshake or a state-changing request, which a session cookie or
 * cached basic credentials would otherwise authenticate for any site (cross-site request forgery).
 * A present Origin must be one of the front's own. A browser always sends Origin on a websocket
 * handshake (RFC 6455 section 4.1) and on a POST, so a missing Origin means a script or another
 * non-browser client, which cannot be used for such a forgery and is allowed. A request that
 * carries browser fetch metadata but no Origin is rejected.
 */
export function checkOrigin(headers: IncomingHttpHeaders, allowedHosts: AllowedHosts): GuardResult {
  const origin = headers.origin;
  if (origin === undefined) {
    const fromBrowser = browserOnlyHeaders.some((name) => headers[name] !== undefined);
    return fromBrowser ? { ok: false, status: 403, code: 'AUTH_ORIGIN_REJECTED', message: 'a browser request that may change state must carry an Origin header' } : { ok: true };
  }
  if (!allowedHosts.isAllowedOrigin(origin)) {
    return { ok: false, status: 403, code: 'AUTH_ORIGIN_REJECTED', message: 'the Origin is not this Gatehouse; add it to front.publicOrigins if the site is reached under that name' };
  }
  return { ok: true };
}
