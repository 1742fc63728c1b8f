import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

import { isGatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { tlsProfile } from '../tls/tls-profile.js';
import type { AllowedHosts } from './allowed-hosts.js';
import type { Authenticator } from './authenticate.js';
import { basicChallenge } from './basic-auth.js';
import type { ClientAddressResolver } from './client-address.js';
import { errorBody } from './error-body.js';
import type { HubProxy, ProxyIdentity } from './hub-proxy.js';
import { checkHost, checkOrigin, needsOriginCheck } from './request-guard.js';
import { securityHeaders } from './security-headers.js';
import { cacheControlFor } from './static-cache.js';
import { expiredSessionCookie } from './session-cookie.js';

export interface HttpsAppOptions {
  cert: string;
  key: string;
  authenticator: Authenticator;
  clientAddresses: ClientAddressResolver;
  /** The hosts and origins of this front; known only once the HTTPS port is bound, so read per request. */
  allowedHosts: () => AllowedHosts;
  hubProxy: HubProxy;
  /** Called with the id of a session that POST /logout ended, so its websockets can be closed. */
  onSessionEnded: (sessionId: string) => void;
  /** Folder of the built web UI (dist/web), served as static files with index.html at "/". */
  webRoot: string;
  logger: Logger;
}

const notBuiltPage = 'Gatehouse: the web UI is not built yet. Run `npm run build`, then restart gatehouse.\n';

const jsonType = 'application/json; charset=utf-8';

export const logoutPath = '/logout';

/**
 * Build the HTTPS fastify app: security headers, the Host and Origin checks and authentication on
 * every request, POST /logout, /api proxied to the hub, and the built web UI as static files.
 * Websocket upgrades bypass fastify and go to the server's own `upgrade` listener.
 */
export async function buildHttpsApp(options: HttpsAppOptions) {
  const { logger } = options;
  const app = Fastify({
    https: { ...tlsProfile, cert: options.cert, key: options.key },
    loggerInstance: logger,
    // One line per request would drown the failed-login and error lines.
    logController: new LogController({ disableRequestLogging: true }),
    // Keep-alive connections would otherwise hold close() open until they time out.
    forceCloseConnections: true,
    trustProxy: false,
  });

  const identities = new WeakMap<IncomingMessage, ProxyIdentity>();

  app.addHook('onRequest', async (request, reply) => {
    // Set on the raw response, so that hijacked replies (the /api proxy) carry the headers too.
    for (const [name, value] of Object.entries(securityHeaders)) {
      reply.raw.setHeader(name, value);
    }

    const address = options.clientAddresses.resolve(request.raw.socket.remoteAddress, request.headers);
    if (!address.ok) {
      return reply.code(400).type(jsonType).send(errorBody('AUTH_FORWARDED_INVALID', address.message));
    }
    const { client } = address;

    const host = checkHost(request.headers, options.allowedHosts());
    const origin = needsOriginCheck(request.method) ? checkOrigin(request.headers, options.allowedHosts()) : host;
    const guard = host.ok ? origin : host;
    if (!guard.ok) {
      logger.warn({ client, method: request.method, host: request.headers.host, origin: request.headers.origin }, 'rejected a request for another host or from another origin');
      return reply.code(guard.status).type(jsonType).send(errorBody(guard.code, guard.message));
    }

    // Logout must not start a session from the basic credentials it is about to make the browser forget.
    if (request.method === 'POST' && request.url.split('?')[0] === logoutPath) {
      identities.set(request.raw, { user: '', client });
      return undefined;
    }

    const result = await options.authenticator.authenticate({ authorization: request.headers.authorization, cookie: request.headers.cookie, client });
    if (!result.ok) {
      return reply.code(result.status).headers(result.headers).type(jsonType).send(errorBody(result.code, result.message));
    }
    if (result.setCookie !== null) {
      // On the raw response, like the security headers, so proxied /api responses carry it too.
      reply.raw.setHeader('set-cookie', result.setCookie);
    }
    identities.set(request.raw, { user: result.user, client });
    return undefined;
  });

  // The proxy runs in a route-level onRequest hook, before fastify reads the body, so the request
  // body streams to the hub unparsed. The hijacked reply never reaches the route handler.
  const forwardToHub = (request: FastifyRequest, reply: FastifyReply): void => {
    const identity = identities.get(request.raw);
    if (identity === undefined) {
      throw new Error('an /api request reached the proxy without an authenticated identity');
    }
    reply.hijack();
    options.hubProxy.forwardRequest(request.raw, reply.raw, identity);
  };
  const unreachable = (): never => {
    throw new Error('the /api route handler ran although the hub proxy hijacked the reply');
  };
  app.all('/api', { onRequest: forwardToHub }, unreachable);
  app.all('/api/*', { onRequest: forwardToHub }, unreachable);

  // Ends the session and answers 401 with a challenge, which makes browsers drop the basic
  // credentials they cached for this realm, so the next request asks for a password again.
  app.post(logoutPath, (request, reply) => {
    const client = identities.get(request.raw)?.client ?? 'unknown';
    const sessionId = options.authenticator.endSession(request.headers.cookie, client);
    if (sessionId !== null) {
      options.onSessionEnded(sessionId);
    }
    return reply
      .code(401)
      .header('www-authenticate', basicChallenge)
      .header('set-cookie', expiredSessionCookie)
      .header('cache-control', 'no-store')
      .type(jsonType)
      .send(errorBody('AUTH_REQUIRED', 'logged out; sign in again to continue'));
  });

  if (existsSync(path.join(options.webRoot, 'index.html'))) {
    const root = path.resolve(options.webRoot);
    await app.register(fastifyStatic, {
      root,
      // The build writes .br and .gz copies of the text files (scripts/compress-web.ts); the plugin
      // picks one by Accept-Encoding and adds Vary: Accept-Encoding.
      preCompressed: true,
      // NOTE: with preCompressed, @fastify/static 10.1.11 returns 404 for a directory index that has
      // no compressed copy when the browser accepts br or gzip, so `/` is a route of its own below.
      index: false,
      // The plugin's own header would give every file the same max-age; setHeaders sets one per file.
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', cacheControlFor(path.relative(root, filePath)));
      },
    });
    app.get('/', (_request, reply) => reply.sendFile('index.html'));
  } else {
    logger.warn({ webRoot: options.webRoot }, 'the web UI is not built, so the front serves a 503 page until `npm run build` and a restart');
    app.get('/*', (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send(notBuiltPage));
  }

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type(jsonType).send(errorBody('ROUTE_NOT_FOUND', `nothing at ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  app.setErrorHandler((error: unknown, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) {
      logger.error({ err: error, url: request.url }, 'request failed');
      return reply.code(500).type(jsonType).send(errorBody('INTERNAL', 'the request failed; the front logged the error'));
    }
    const message = error instanceof Error ? error.message : 'invalid request';
    return reply.code(status).type(jsonType).send(errorBody(isGatehouseError(error) ? error.code : 'PROTOCOL_MESSAGE_INVALID', message));
  });

  return app;
}

/** HTTP status of an error thrown inside fastify: its statusCode when it is a 4xx, else 500. */
function statusOf(error: unknown): number {
  if (isGatehouseError(error)) {
    return error.httpStatus;
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
}
