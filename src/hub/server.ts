import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { GatehouseError, isGatehouseError } from '../errors/index.js';
import type { AuditEvent, AuditQuery } from '../audit/index.js';
import type { Logger } from '../log/logger.js';
import { assertAllowed, registerAccessCheck } from './access.js';
import type { AdminService } from './admin-service.js';
import { registerAuditRoutes } from './audit-routes.js';
import type { Actor } from './commands.js';
import { type ProxyAuthOptions, resolveActor } from './proxy-auth.js';
import { isLoopbackAddress } from './peer.js';
import { registerNodeRoutes, type NodeRoutesOptions } from './node-routes.js';
import { registerRestApi, type RestApiOptions } from './rest.js';
import { registerTokenRoutes } from './tokens-routes.js';
import { registerUserRoutes } from './users-routes.js';
import type { WebsocketApi } from './ws-api.js';

export interface HubServerOptions {
  port: number;
  /**
   * Bind address. It is always 127.0.0.1 in production, because the config has no key for it. Tests
   * bind wider to prove that the peer check alone still rejects a non-loopback client.
   */
  host: string;
  auth: ProxyAuthOptions;
  rest: RestApiOptions;
  nodeRoutes: NodeRoutesOptions;
  admin: AdminService;
  queryAudit: (query: AuditQuery) => Promise<AuditEvent[]>;
  websocket: WebsocketApi;
  logger: Logger;
}

export interface HubServer {
  /** The port actually bound (useful when `port` was 0). */
  port: number;
  close(): Promise<void>;
}

/** Longer than the front's 30 s idle timeout for its pooled connections, so the front closes them first. */
const hubKeepAliveTimeoutMs = 65_000;

/** Largest REST request body the hub reads; a command body is a few dozen bytes. */
const maxBodyBytes = 16 * 1024;

/** Start the hub's HTTP server: REST under /api, the websocket API at /ws, loopback peers only. */
export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const logger = options.logger;
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: maxBodyBytes, return503OnClosing: true, keepAliveTimeout: hubKeepAliveTimeoutMs });
  let rejectedPeers = 0;

  // First line of defence, before a single byte is read: a peer that is not loopback did not come
  // through the front on this machine, whatever it sends.
  app.server.on('connection', (socket) => {
    if (!isLoopbackAddress(socket.remoteAddress)) {
      rejectedPeers += 1;
      logger.warn({ peer: socket.remoteAddress, rejectedPeers }, 'rejected a non-loopback peer');
      socket.destroy();
    }
  });

  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    request.actor = await resolveActor(request.headers, options.auth);
  });
  registerAccessCheck(app);

  app.setErrorHandler((error, request, reply) => {
    const known = toGatehouseError(error);
    if (known.code === 'INTERNAL') {
      logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    } else if (known.code === 'AUTH_PROXY_REJECTED') {
      logger.warn({ reason: known.context.reason, url: request.url }, 'rejected a request without the proxy secret');
    }
    return reply.code(known.httpStatus).send({ error: { code: known.code, message: known.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `no API route for ${request.method} ${request.url.split('?')[0] ?? ''}` } }),
  );

  registerRestApi(app, options.rest);
  registerNodeRoutes(app, options.nodeRoutes);
  registerUserRoutes(app, options.admin);
  registerTokenRoutes(app, options.admin);
  registerAuditRoutes(app, options.queryAudit);

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
    handleUpgrade(request, socket, head, options).catch((error: unknown) => {
      logger.error({ err: error }, 'websocket upgrade failed');
      rejectUpgrade(socket, toGatehouseError(error));
    });
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info({ host: options.host, port }, 'hub listening');

  return {
    port,
    close: async () => {
      options.websocket.close();
      await app.close();
    },
  };
}

async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, options: HubServerOptions): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/ws') {
    rejectUpgrade(socket, new GatehouseError('ROUTE_NOT_FOUND', 'websocket endpoint is /ws'));
    return;
  }
  let actor;
  try {
    actor = await resolveActor(request.headers, options.auth);
    assertAllowed(actor, 'read');
  } catch (error) {
    const known = toGatehouseError(error);
    options.logger.warn({ code: known.code, reason: known.context.reason }, 'rejected a websocket upgrade');
    rejectUpgrade(socket, known);
    return;
  }
  options.websocket.accept(request, socket, head, actor);
}

function rejectUpgrade(socket: Duplex, error: GatehouseError): void {
  if (socket.destroyed) {
    return;
  }
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Map any thrown value to a GatehouseError; fastify's own client errors keep their status. */
function toGatehouseError(error: unknown): GatehouseError {
  if (isGatehouseError(error)) {
    return error;
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 415) {
    return new GatehouseError('PROTOCOL_MEDIA_TYPE', 'unsupported body type: send the body as JSON with the header "Content-Type: application/json"', {
      cause: error,
    });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GatehouseError('PROTOCOL_MESSAGE_INVALID', `invalid request: ${(error as Error).message}`, { cause: error });
  }
  return new GatehouseError('INTERNAL', 'internal error: the hub logged the details', { cause: error });
}
