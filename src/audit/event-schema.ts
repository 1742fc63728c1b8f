import { z } from 'zod';
import type { AuditEvent, AuditEventKind } from './types.js';

/** Every audit event kind, for validating query parameters and stored lines. */
export const auditEventKinds = [
  'login',
  'loginFailed',
  'loginDelayed',
  'sessionStarted',
  'sessionEnded',
  'sessionExpired',
  'tokenUsed',
  'tokenRejected',
  'command',
  'userChanged',
  'tokenChanged',
  'request',
  'nodeChanged',
] as const satisfies readonly AuditEventKind[];

// Fails to compile when types.ts gains a kind that the list above lacks.
type MissingKind = Exclude<AuditEventKind, (typeof auditEventKinds)[number]>;
const allKindsListed: MissingKind extends never ? true : false = true;
void allKindsListed;

export const auditSources = ['front', 'hub', 'cli'] as const satisfies readonly AuditEvent['source'][];

/** One stored audit line; lines that fail it are skipped when the log is read. */
export const auditEventSchema = z.strictObject({
  time: z.iso.datetime({ offset: true }),
  kind: z.enum(auditEventKinds),
  user: z.string().nullable(),
  client: z.string().nullable(),
  source: z.enum(auditSources),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
