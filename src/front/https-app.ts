import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

import type { CredentialVerifier } from '../auth/types.js';
import { isGatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { tlsProfile } from '../tls/tls-profile.js';
import { authenticate, clientAddressOf } from './authenticate.js';
import { basicChallenge } from './basic-auth.js';
import { errorBody } from './error-body.js';
import type { FailedLoginLog } from './failed-login-log.js';
import type { HubProxy, ProxyIdentity } from './hub-proxy.js';
import { securityHeaders } from './security-headers.js';

export interface HttpsAppOptions {
  cert: string;
  key: string;
  verifier: CredentialVerifier;
  failedLogins: FailedLoginLog;
  hubProxy: HubProxy;
  /** Folder of the built web UI (dist/web), served as static files with index.html at "/". */
  webRoot: string;
  logger: Logger;
}

const notBuiltPage = 'Gatehouse: the web UI is not built yet. Run `npm run build`, then restart gatehouse.\n';

const jsonType = 'application/json; charset=utf-8';

/**
 * Build the HTTPS fastify app: security headers and basic auth on every request, /api proxied to
 * the hub, and the built web UI as static files. Websocket upgrades bypass fastify and go to the
 * server's own `upgrade` listener.
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

    const client = clientAddressOf(request.raw.socket.remoteAddress);
    const result = await authenticate(request.headers.authorization, client, options.verifier, options.failedLogins);
    if (!result.ok) {
      return reply.code(401).header('www-authenticate', basicChallenge).type(jsonType).send(errorBody('AUTH_REQUIRED', result.message));
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

  if (existsSync(path.join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(options.webRoot), index: 'index.html' });
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
