import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AuditEvent, type AuditQuery, auditEventKinds, maxAuditQueryLimit } from '../audit/index.js';
import { parseInput } from './request-input.js';

/** Events returned when the query gives no limit. */
const defaultLimit = 100;

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as 2026-01-31T18:00:00Z' });

const auditQueryParameters = z
  .strictObject({
    from: isoTime.optional(),
    to: isoTime.optional(),
    user: z.string().min(1).max(256).optional(),
    kind: z.enum(auditEventKinds).optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, { error: `expected a whole number from 1 to ${maxAuditQueryLimit}` })
      .transform(Number)
      .pipe(z.int().min(1).max(maxAuditQueryLimit))
      .optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || Date.parse(query.from) <= Date.parse(query.to), {
    message: '"from" is later than "to"',
  });

/** Registers GET /api/audit (admin only): audit events of the front, the hub and the CLI, newest first. */
export function registerAuditRoutes(app: FastifyInstance, query: (query: AuditQuery) => Promise<AuditEvent[]>): void {
  app.get('/api/audit', { config: { access: 'manage' } }, async (request) => {
    const parameters = parseInput(auditQueryParameters, request.query, 'audit query');
    return query({
      limit: parameters.limit ?? defaultLimit,
      ...(parameters.from === undefined ? {} : { from: new Date(parameters.from) }),
      ...(parameters.to === undefined ? {} : { to: new Date(parameters.to) }),
      ...(parameters.user === undefined ? {} : { user: parameters.user }),
      ...(parameters.kind === undefined ? {} : { kind: parameters.kind }),
    });
  });
}
