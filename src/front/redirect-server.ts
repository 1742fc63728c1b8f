import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Logger } from '../log/logger.js';
import { acmeChallengeMethods, challengeTokenOf, readChallenge } from './acme-challenge.js';
import type { AllowedHosts } from './allowed-hosts.js';
import { parseHostHeader } from './host-header.js';

export interface RedirectServerOptions {
  listenAddress: string;
  port: number;
  /** Hosts a redirect may lead to, and the primary public origin for all others. */
  allowedHosts: AllowedHosts;
  /** front.acmeWebroot: serve ACME HTTP-01 challenge files from this folder (certbot's webroot mode). */
  acmeWebroot?: string | undefined;
  logger: Logger;
}

/** A response of the redirect port, before it is written. */
export interface RedirectResponse {
  status: number;
  location?: string;
  body: string;
}

/**
 * Returns the redirect for one plain-HTTP request. GET and HEAD get 301; other methods get 308,
 * because a 301 lets clients turn a POST into a GET (RFC 9110 section 15.4.2) and 308 does not.
 * The Location only ever names an allowed host: the Host header's own host when `hosts` allows it
 * (as its public origin when one is configured for it), else the primary public origin. Without a
 * public origin, a Host that is not allowed gets 400, so the redirect never leads to another site.
 */
export function redirectFor(method: string | undefined, hostHeader: string | undefined, target: string | undefined, hosts: AllowedHosts): RedirectResponse {
  // Only origin-form targets ("/path?query") are redirected. The absolute form is for proxies and
  // "*" is for OPTIONS on the whole server, so neither is expected here.
  if (target === undefined || !target.startsWith('/')) {
    return { status: 400, body: 'Bad Request: the request target must start with "/"\n' };
  }

  const authority = parseHostHeader(hostHeader);
  let origin: string | null;
  if (authority !== null && hosts.isAllowedHost(authority)) {
    origin = hosts.publicOriginOf(authority) ?? hosts.originFor(authority);
  } else {
    origin = hosts.primaryOrigin;
  }
  if (origin === null) {
    return { status: 400, body: 'Bad Request: the Host header is missing, invalid or names a host this server does not serve\n' };
  }

  const location = `${origin}${target}`;
  const status = method === 'GET' || method === 'HEAD' ? 301 : 308;
  return { status, location, body: `Moved to ${location}\n` };
}

/**
 * Start the plain-HTTP server. It redirects every request to HTTPS and serves nothing else, except
 * ACME challenge files when `acmeWebroot` is set.
 */
export async function startRedirectServer(options: RedirectServerOptions): Promise<Server> {
  const { logger } = options;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const target = request.url ?? '';
    const acmeToken = options.acmeWebroot === undefined ? undefined : challengeTokenOf(target);
    if (options.acmeWebroot !== undefined && acmeToken !== undefined) {
      respondWithChallenge(request, response, options.acmeWebroot, acmeToken, logger).catch((error: unknown) => {
        logger.error({ err: error, target }, 'serving an ACME challenge failed');
        sendText(request, response, { status: 500, body: 'Internal Server Error\n' });
      });
      return;
    }

    const redirect = redirectFor(request.method, request.headers.host, request.url, options.allowedHosts);
    if (redirect.status === 400) {
      logger.debug({ client: request.socket.remoteAddress, host: request.headers.host }, 'rejected a plain-HTTP request without an allowed Host header');
    }
    sendText(request, response, redirect);
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: error, code: error.code }, 'rejected a malformed plain-HTTP request');
    if (socket.writable) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listenAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Write a plain-text response, with a Location when `reply` has one. */
function sendText(request: IncomingMessage, response: ServerResponse, reply: Omit<RedirectResponse, 'body'> & { body: string | Buffer }, contentType = 'text/plain; charset=utf-8'): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const headers: Record<string, string> = {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(reply.body)),
    'x-content-type-options': 'nosniff',
  };
  if (reply.location !== undefined) {
    headers.location = reply.location;
  }
  // The request body of a POST is never read, so close the connection instead of draining it.
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    headers.connection = 'close';
  }
  response.writeHead(reply.status, headers);
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}

/**
 * Serve one ACME HTTP-01 challenge file to GET or HEAD. Any other method gets 405, and a missing
 * or rejected file gets 404, never a redirect, so the CA gets a clear failure.
 */
async function respondWithChallenge(request: IncomingMessage, response: ServerResponse, webroot: string, token: string | null, logger: Logger): Promise<void> {
  if (!acmeChallengeMethods.includes(request.method ?? '')) {
    response.setHeader('allow', acmeChallengeMethods.join(', '));
    sendText(request, response, { status: 405, body: 'Method Not Allowed\n' });
    return;
  }
  const lookup = token === null ? { found: false as const, reason: 'invalid token' } : await readChallenge(webroot, token);
  if (!lookup.found) {
    logger.debug({ client: request.socket.remoteAddress, target: request.url, reason: lookup.reason }, 'no ACME challenge file for this request');
    sendText(request, response, { status: 404, body: 'Not Found\n' });
    return;
  }
  logger.info({ client: request.socket.remoteAddress, token }, 'served an ACME challenge');
  response.setHeader('cache-control', 'no-store');
  sendText(request, response, { status: 200, body: lookup.body }, 'text/plain');
}
