import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maxTokenDays } from '../auth/index.js';
import { roleSchema } from '../protocol/index.js';
import type { AdminService } from './admin-service.js';
import { parseInput } from './request-input.js';

const createTokenBody = z.strictObject({
  name: z.string().max(256),
  role: roleSchema,
  expiresDays: z.int().min(1).max(maxTokenDays).optional(),
});

/** Registers the admin-only API token routes under /api/tokens. */
export function registerTokenRoutes(app: FastifyInstance, admin: AdminService): void {
  app.get('/api/tokens', { config: { access: 'manage' } }, (request) => admin.listTokens(request.actor));

  // The reply is the only place the token ever appears; the hub keeps just its SHA-256.
  app.post('/api/tokens', { config: { access: 'manage' } }, async (request, reply) => {
    const body = parseInput(createTokenBody, request.body, `token body: expected JSON {"name", "role", "expiresDays"? (1 to ${maxTokenDays})}`);
    const created = await admin.createToken(request.actor, {
      name: body.name,
      role: body.role,
      ...(body.expiresDays === undefined ? {} : { expiresDays: body.expiresDays }),
    });
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.delete<{ Params: { name: string } }>('/api/tokens/:name', { config: { access: 'manage' } }, async (request, reply) => {
    await admin.revokeToken(request.actor, request.params.name);
    return reply.code(204).send();
  });
}
