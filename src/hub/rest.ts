import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../errors/index.js';
import { commandRequestBody, type Node } from '../protocol/index.js';
import type { Actor, CommandService } from './commands.js';
import type { HealthReport } from './health.js';
import { registerHistoryRoutes } from './history-routes.js';
import type { HistoryService } from './history-service.js';
import type { HubMetrics } from './metrics.js';

export interface RestApiOptions {
  commands: CommandService;
  nodes: () => Node[];
  node: (id: number) => Node | undefined;
  /** The body of /api/health, gathered per request. */
  health: () => Promise<HealthReport>;
  metrics: HubMetrics;
  /** The history routes' source; without it they are not registered. */
  history?: { service: HistoryService; now: () => Date };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the hub's onRequest hook from the proxy headers; every route runs after it. */
    actor: Actor;
  }
}

/** Register the node, health and metrics routes under /api. Each route's `config.access` names the action that the access check allows per role. */
export function registerRestApi(app: FastifyInstance, options: RestApiOptions): void {
  app.get('/api/nodes', { config: { access: 'read' } }, () => options.nodes());

  app.get<{ Params: { id: string } }>('/api/nodes/:id', { config: { access: 'read' } }, (request) => {
    const id = parseNodeId(request.params.id);
    const node = options.node(id);
    if (node === undefined) {
      throw new GatehouseError('NODE_NOT_FOUND', `node ${id} not found: no packet from it has arrived since the hub started`, { context: { nodeId: id } });
    }
    return node;
  });

  app.post<{ Params: { id: string } }>('/api/nodes/:id/commands', { config: { access: 'command' } }, async (request, reply) => {
    const id = parseNodeId(request.params.id);
    const body = commandRequestBody.safeParse(request.body);
    if (!body.success) {
      throw new GatehouseError('PROTOCOL_MESSAGE_INVALID', 'invalid command body: expected JSON {"payload": "<1 to 64 characters>"}', {
        context: { nodeId: id },
      });
    }
    const command = await options.commands.send(request.actor, id, body.data.payload);
    return reply.code(202).send(command);
  });

  app.get('/api/health', { config: { access: 'read' } }, () => options.health());

  // Read access, so that an API token with the viewer role can scrape it through the front.
  app.get('/api/metrics', { config: { access: 'read' } }, async (_request, reply) => {
    const text = await options.metrics.render();
    return reply.type(options.metrics.contentType).send(text);
  });

  if (options.history !== undefined) registerHistoryRoutes(app, options.history.service, options.history.now);
}

/** Parses a node id path parameter; throws PROTOCOL_MESSAGE_INVALID unless it is 1 to 1023. */
export function parseNodeId(text: string): number {
  const id = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(id >= 1 && id <= 1023)) {
    throw new GatehouseError('PROTOCOL_MESSAGE_INVALID', `invalid node id "${text.slice(0, 20)}": expected an integer from 1 to 1023`, {
      context: { nodeId: text.slice(0, 20) },
    });
  }
  return id;
}
