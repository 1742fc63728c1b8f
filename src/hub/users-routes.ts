import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { roleSchema } from '../protocol/index.js';
import type { AdminService } from './admin-service.js';
import { parseInput } from './request-input.js';

// Loose upper bounds that only stop absurd input early; the users store applies the real name and
// password rules and names the broken rule.
const nameField = z.string().max(256);
const passwordField = z.string().max(1024);

const createUserBody = z.strictObject({ name: nameField, password: passwordField, role: roleSchema });
const changeUserBody = z
  .strictObject({ role: roleSchema.optional(), password: passwordField.optional() })
  .refine((body) => body.role !== undefined || body.password !== undefined, { message: 'expected "role", "password" or both' });

/** Registers the admin-only user routes under /api/users. */
export function registerUserRoutes(app: FastifyInstance, admin: AdminService): void {
  app.get('/api/users', { config: { access: 'manage' } }, (request) => admin.listUsers(request.actor));

  app.post('/api/users', { config: { access: 'manage' } }, async (request, reply) => {
    const body = parseInput(createUserBody, request.body, 'user body: expected JSON {"name", "password", "role"}');
    const user = await admin.addUser(request.actor, body);
    return reply.code(201).send(user);
  });

  app.patch<{ Params: { name: string } }>('/api/users/:name', { config: { access: 'manage' } }, async (request) => {
    const body = parseInput(changeUserBody, request.body, 'user change: expected JSON {"role"?, "password"?}');
    return admin.changeUser(request.actor, request.params.name, {
      ...(body.role === undefined ? {} : { role: body.role }),
      ...(body.password === undefined ? {} : { password: body.password }),
    });
  });

  app.delete<{ Params: { name: string } }>('/api/users/:name', { config: { access: 'manage' } }, async (request, reply) => {
    await admin.removeUser(request.actor, request.params.name);
    return reply.code(204).send();
  });
}
