import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../errors/index.js';
import { nodeUpdateBody, requestCreateBody, type Node } from '../protocol/index.js';
import type { NodeLifecycle } from './node-lifecycle.js';
import type { RequestService } from './request-service.js';
import { parseInput } from './request-input.js';
import { parseNodeId } from './rest.js';

export interface NodeRoutesOptions {
  lifecycle: NodeLifecycle;
  requests: RequestService;
  node: (id: number) => Node | undefined;
}

/**
 * Registers the routes that change nodes and their requests: PATCH and DELETE /api/nodes/:id,
 * GET and POST /api/nodes/:id/requests, DELETE /api/requests/:id.
 */
export function registerNodeRoutes(app: FastifyInstance, options: NodeRoutesOptions): void {
  const knownNode = (text: string): number => {
    const id = parseNodeId(text);
    if (options.node(id) === undefined) {
      throw new GatehouseError('NODE_NOT_FOUND', `node ${id} not found: no packet from it has arrived`, { context: { nodeId: id } });
    }
    return id;
  };

  app.patch<{ Params: { id: string } }>('/api/nodes/:id', { config: { access: 'command' } }, (request) => {
    const id = parseNodeId(request.params.id);
    const update = parseInput(nodeUpdateBody, request.body, 'node update (expected JSON with name, hidden or pinned)');
    return options.lifecycle.update(request.actor, id, update);
  });

  app.delete<{ Params: { id: string } }>('/api/nodes/:id', { config: { access: 'manage' } }, async (request, reply) => {
    options.lifecycle.remove(request.actor, parseNodeId(request.params.id));
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/api/nodes/:id/requests', { config: { access: 'read' } }, (request) => options.requests.ofNode(knownNode(request.params.id)));

  app.post<{ Params: { id: string } }>('/api/nodes/:id/requests', { config: { access: 'command' } }, async (request, reply) => {
    const id = knownNode(request.params.id);
    const body = parseInput(requestCreateBody, request.body, 'request (expected JSON {"name": "P_TXP", "value": "20"})');
    const created = await options.requests.create(request.actor, id, body.name, body.value ?? null);
    return reply.code(202).send(created);
  });

  app.delete<{ Params: { id: string } }>('/api/requests/:id', { config: { access: 'command' } }, (request) => options.requests.cancel(request.actor, request.params.id));
}
