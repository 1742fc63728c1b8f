import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { Logger } from '../log/logger.js';
import type { AllowedHosts } from './allowed-hosts.js';
import type { Authenticator } from './authenticate.js';
import type { ClientAddressResolver } from './client-address.js';
import type { ErrorCode } from '../errors/index.js';
import { rawErrorResponse } from './error-body.js';
import type { HubProxy } from './hub-proxy.js';
import { checkHost, checkOrigin } from './request-guard.js';

export const websocketPath = '/ws';

export interface UpgradeHandlerOptions {
  authenticator: Authenticator;
  clientAddresses: ClientAddressResolver;
  allowedHosts: () => AllowedHosts;
  hubProxy: HubProxy;
  logger: Logger;
  /**
   * Every client socket handed to the hub, with its session id (null when a token or basic auth
   * opened it), so that closing the front or a logout can end them.
   */
  openSockets: Map<Duplex, string | null>;
}

/**
 * Create the HTTPS server's `upgrade` listener: the Host and Origin checks first, then
 * authentication (a session cookie is enough, because Safari and every iOS browser never send basic
 * credentials on a websocket handshake), then the path (only /ws), the method and Upgrade header,
 * and only then the proxy to the hub's /ws.
 */
export function createUpgradeHandler(options: UpgradeHandlerOptions): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { logger } = options;

  return (request, socket, head) => {
    // An upgraded socket has no error listener of its own, and an unhandled 'error' would end the process.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      logger.debug({ err: error, code: error.code }, 'websocket client socket failed');
    });

    handleUpgrade(request, socket, head, options).catch((error: unknown) => {
      logger.error({ err: error }, 'websocket upgrade failed');
      rejectUpgrade(socket, 500, 'INTERNAL', 'the websocket upgrade failed; the front logged the error');
    });
  };
}

async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, options: UpgradeHandlerOptions): Promise<void> {
  const address = options.clientAddresses.resolve(request.socket.remoteAddress, request.headers);
  if (!address.ok) {
    rejectUpgrade(socket, 400, 'AUTH_FORWARDED_INVALID', address.message);
    return;
  }
  const { client } = address;

  const host = checkHost(request.headers, options.allowedHosts());
  const guard = host.ok ? checkOrigin(request.headers, options.allowedHosts()) : host;
  if (!guard.ok) {
    options.logger.warn({ client, host: request.headers.host, origin: request.headers.origin }, 'rejected a websocket for another host or from another origin');
    rejectUpgrade(socket, guard.status, guard.code, guard.message);
    return;
  }

  // No session starts here: http-proxy writes the hub's 101 response itself, so a Set-Cookie could
  // not reach the browser, and a script that opens websockets with basic auth would fill the store.
  const result = await options.authenticator.authenticate({
    authorization: request.headers.authorization,
    cookie: request.headers.cookie,
    client,
    startSession: false,
  });
  if (!result.ok) {
    rejectUpgrade(socket, result.status, result.code, result.message, result.headers);
    return;
  }

  const path = (request.url ?? '').split('?')[0];
  if (path !== websocketPath) {
    rejectUpgrade(socket, 404, 'ROUTE_NOT_FOUND', `no websocket at ${path ?? ''}; use ${websocketPath}`);
    return;
  }
  if (request.method !== 'GET' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
    rejectUpgrade(socket, 400, 'PROTOCOL_MESSAGE_INVALID', 'expected a GET request with "Upgrade: websocket"');
    return;
  }

  if (socket.destroyed) {
    return;
  }
  options.openSockets.set(socket, result.sessionId);
  socket.once('close', () => options.openSockets.delete(socket));
  options.hubProxy.forwardUpgrade(request, socket, head, { user: result.user, client });
}

/** Write an HTTP error response on the raw socket of a rejected upgrade and close it. */
function rejectUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string, extraHeaders: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(status, code, message, extraHeaders));
}
