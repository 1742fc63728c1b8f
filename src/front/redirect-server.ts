import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Logger } from '../log/logger.js';
import { formatHttpsAuthority, parseHostHeader } from './host-header.js';

export interface RedirectServerOptions {
  listenAddress: string;
  port: number;
  /** The bound port of the HTTPS server, which every Location points at. */
  httpsPort: number;
  logger: Logger;
}

/**
 * Returns the redirect for one plain-HTTP request. GET and HEAD get 301; other methods get 308,
 * because a 301 lets clients turn a POST into a GET (RFC 9110 section 15.4.2) and 308 does not.
 * The host comes from a validated Host header, so the redirect never leads to another host than
 * the one the client named (no open redirect).
 */
export function redirectFor(
  method: string | undefined,
  hostHeader: string | undefined,
  target: string | undefined,
  httpsPort: number,
): { status: number; location?: string; body: string } {
  const authority = parseHostHeader(hostHeader);
  if (authority === null) {
    return { status: 400, body: 'Bad Request: missing or invalid Host header\n' };
  }
  // Only origin-form targets ("/path?query") are redirected. The absolute form is for proxies and
  // "*" is for OPTIONS on the whole server, so neither is expected here.
  if (target === undefined || !target.startsWith('/')) {
    return { status: 400, body: 'Bad Request: the request target must start with "/"\n' };
  }

  const location = `https://${formatHttpsAuthority(authority.host, httpsPort)}${target}`;
  const status = method === 'GET' || method === 'HEAD' ? 301 : 308;
  return { status, location, body: `Moved to ${location}\n` };
}

/** Start the plain-HTTP server, which redirects every request to HTTPS and serves nothing else. */
export async function startRedirectServer(options: RedirectServerOptions): Promise<Server> {
  const { logger } = options;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const redirect = redirectFor(request.method, request.headers.host, request.url, options.httpsPort);
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(redirect.body)),
      'x-content-type-options': 'nosniff',
    };
    if (redirect.location !== undefined) {
      headers.location = redirect.location;
    }
    if (redirect.status === 400) {
      logger.debug({ client: request.socket.remoteAddress }, 'rejected a plain-HTTP request without a valid Host header');
    }
    // The request body of a POST is never read, so close the connection instead of draining it.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      headers.connection = 'close';
    }
    response.writeHead(redirect.status, headers);
    response.end(request.method === 'HEAD' ? undefined : redirect.body);
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
