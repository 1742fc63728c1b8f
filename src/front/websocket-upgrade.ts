import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { CredentialVerifier } from '../auth/types.js';
import type { Logger } from '../log/logger.js';
import { authenticate, clientAddressOf } from './authenticate.js';
import { basicChallenge } from './basic-auth.js';
import type { ErrorCode } from '../errors/index.js';
import { errorBody } from './error-body.js';
import type { FailedLoginLog } from './failed-login-log.js';
import { isSameOrigin, parseHostHeader } from './host-header.js';
import type { HubProxy } from './hub-proxy.js';

export const websocketPath = '/ws';

export interface UpgradeHandlerOptions {
  verifier: CredentialVerifier;
  failedLogins: FailedLoginLog;
  hubProxy: HubProxy;
  logger: Logger;
  /** Every client socket handed to the hub, so that closing the front can end them. */
  openSockets: Set<Duplex>;
}

/**
 * Fetch metadata request headers (W3C Fetch Metadata). Browsers send them, but scripts and
 * command-line clients usually do not.
 */
const browserOnlyHeaders = ['sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest'];

/**
 * Decide whether a websocket handshake may go on, from its Origin and Host headers. A browser always
 * sends Origin on a websocket handshake (RFC 6455 section 4.1), so a missing Origin means a script
 * or another non-browser client. Such a client cannot be used for cross-site websocket hijacking and
 * has already passed basic auth, so it is allowed. A request that carries browser fetch metadata but
 * no Origin is rejected, and a present Origin must equal `https://` plus the validated Host.
 */
export function checkOrigin(headers: IncomingMessage['headers']): { ok: true } | { ok: false; message: string } {
  const authority = parseHostHeader(headers.host);
  if (authority === null) {
    return { ok: false, message: 'missing or invalid Host header' };
  }

  const origin = headers.origin;
  if (origin === undefined) {
    const fromBrowser = browserOnlyHeaders.some((name) => headers[name] !== undefined);
    return fromBrowser ? { ok: false, message: 'a browser websocket handshake must carry an Origin header' } : { ok: true };
  }
  if (!isSameOrigin(origin, authority)) {
    return { ok: false, message: 'the websocket Origin is not this server' };
  }
  return { ok: true };
}

/**
 * Create the HTTPS server's `upgrade` listener: basic auth first, then the path (only /ws), the
 * method and Upgrade header, then the Origin check, and only then the proxy to the hub's /ws.
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
  const client = clientAddressOf(request.socket.remoteAddress);
  const result = await authenticate(request.headers.authorization, client, options.verifier, options.failedLogins);
  if (!result.ok) {
    rejectUpgrade(socket, 401, 'AUTH_REQUIRED', result.message, { 'WWW-Authenticate': basicChallenge });
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

  const origin = checkOrigin(request.headers);
  if (!origin.ok) {
    options.logger.warn({ client, user: result.user, origin: request.headers.origin }, 'rejected a websocket from another origin');
    rejectUpgrade(socket, 403, 'AUTH_ORIGIN_REJECTED', origin.message);
    return;
  }

  if (socket.destroyed) {
    return;
  }
  options.openSockets.add(socket);
  socket.once('close', () => options.openSockets.delete(socket));
  options.hubProxy.forwardUpgrade(request, socket, head, { user: result.user, client });
}

/** Write an HTTP error response on the raw socket of a rejected upgrade and close it. */
function rejectUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string, extraHeaders: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(code, message);
  const headers = {
    ...extraHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`);
}
