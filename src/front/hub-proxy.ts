import { Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { ProxyServer } from 'http-proxy-3';

import { proxyClientHeader, proxySecretHeader, proxyUserHeader, strippedClientHeaders } from '../auth/proxy-headers.js';
import type { Logger } from '../log/logger.js';
import { errorBody, rawErrorResponse } from './error-body.js';
import { securityHeaders } from './security-headers.js';

/** Address and port of the hub. The front reaches it only over loopback. */
export interface HubAddress {
  host: string;
  port: number;
}

/** Identity of a proxied request: the authenticated user and the peer's address. */
export interface ProxyIdentity {
  user: string;
  client: string;
}

export interface HubProxyOptions {
  hub: HubAddress;
  proxySecret: string;
  logger: Logger;
  /** Time the hub has to start its response before the front returns 502. */
  timeoutMs?: number;
}

export interface HubProxy {
  forwardRequest(request: IncomingMessage, response: ServerResponse, identity: ProxyIdentity): void;
  forwardUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, identity: ProxyIdentity): void;
}

const defaultTimeoutMs = 30_000;

/**
 * Replace the identity headers of a client request in place: delete every client-sent forwarding or
 * identity header and the credentials (Authorization, and Cookie, which carries the session), then add the proxy secret, the user and the client address.
 * The user name goes out as its UTF-8 bytes, because Node writes header strings byte per character
 * (latin1) and rejects characters above U+00FF.
 */
export function rewriteProxyHeaders(headers: IncomingHttpHeaders, secret: string, identity: ProxyIdentity): void {
  for (const name of strippedClientHeaders) {
    delete headers[name];
  }
  delete headers.authorization;
  delete headers.cookie;

  headers[proxySecretHeader] = secret;
  headers[proxyUserHeader] = Buffer.from(identity.user, 'utf8').toString('latin1');
  headers[proxyClientHeader] = identity.client;
}

/** Create the reverse proxy that forwards /api requests and /ws upgrades to the hub. */
/** Socket errors that mean the peer went away mid-connection. */
const clientGoneCodes: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function createHubProxy(options: HubProxyOptions): HubProxy {
  const { logger } = options;
  const target = { protocol: 'http:', host: options.hub.host, port: options.hub.port };
  // Keep-alive connections to the hub: without them every /api request opened a new TCP connection,
  // which capped the front at a few hundred proxied requests a second. Idle sockets are closed after
  // 30 s, before the hub's keep-alive timeout, so the front never reuses a socket the hub is closing.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 16, timeout: 30_000 });
  const proxy = new ProxyServer({ target, agent, proxyTimeout: options.timeoutMs ?? defaultTimeoutMs });

  // The hub's own versions of the security headers must not replace the front's.
  proxy.on('proxyRes', (proxyResponse) => {
    for (const name of Object.keys(securityHeaders)) {
      delete proxyResponse.headers[name];
    }
  });

  // Client sockets whose upgrade the hub accepted. An error after the upgrade must not write an
  // HTTP status line into the websocket stream.
  const upgraded = new WeakSet<object>();
  proxy.on('proxyReqWs', (proxyRequest, _request, socket) => {
    proxyRequest.once('upgrade', () => upgraded.add(socket));
  });

  // Without this listener, an error that no per-call callback handles would be thrown. A browser
  // that closes a tab or loses its network resets its connection: that is routine, not a failure.
  proxy.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== undefined && clientGoneCodes.has(error.code)) {
      logger.debug({ code: error.code }, 'client connection ended abruptly');
      return;
    }
    logger.error({ err: error }, 'hub proxy failed');
  });

  return {
    forwardRequest(request, response, identity) {
      rewriteProxyHeaders(request.headers, options.proxySecret, identity);
      proxy.web(request, response, {}, (error) => {
        logger.error({ err: error, client: identity.client, user: identity.user, url: request.url }, 'hub request failed');
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const body = errorBody('HUB_UNAVAILABLE', 'the hub did not respond; check that `gatehouse hub` is running');
        response.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
    },

    forwardUpgrade(request, socket, head, identity) {
      rewriteProxyHeaders(request.headers, options.proxySecret, identity);
      // Only the websocket upgrade goes on, whatever else the client's Connection header listed.
      request.headers.connection = 'Upgrade';
      proxy.ws(request, socket, head, {}, (error) => {
        logger.error({ err: error, client: identity.client, user: identity.user }, 'hub websocket failed');
        if (!upgraded.has(socket) && socket.writable) {
          socket.write(rawErrorResponse(502, 'HUB_UNAVAILABLE', 'the hub did not accept the websocket; check that `gatehouse hub` is running'));
        }
      });
    },
  };
}
