import { z } from 'zod';

/**
 * The wire API between the hub and its clients (the web UI, scripts). Every websocket message is a JSON
 * object with a `type`; the hub sends `snapshot` first, then `node` and `link` updates as they happen.
 * A client request carries an `id` that the hub's `reply` or `error` echoes.
 */

export const roleSchema = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const metricSchema = z.object({
  value: z.union([z.number(), z.string()]),
  unit: z.string().nullable(),
  /** ISO 8601 time the reading arrived at the hub. */
  time: z.string(),
});
export type Metric = z.infer<typeof metricSchema>;

export const nodeSchema = z.object({
  id: z.int().min(1).max(1023),
  lastSeen: z.string(),
  rssi: z.number().nullable(),
  metrics: z.record(z.string(), metricSchema),
  packets: z.int().min(0),
});
export type Node = z.infer<typeof nodeSchema>;

export const linkStateSchema = z.enum(['connecting', 'open', 'closed', 'failed']);
export type LinkState = z.infer<typeof linkStateSchema>;

export const linkStatusSchema = z.object({
  state: linkStateSchema,
  port: z.string(),
  /** ISO 8601 time of the last state change. */
  since: z.string(),
  /** Why the link is closed or failed, in words; null while open. */
  reason: z.string().nullable(),
  /** Milliseconds until the next reopen attempt, when one is scheduled. */
  retryInMs: z.int().nullable(),
  linesRead: z.int().min(0),
  /** Lines dropped, by reason (for example "malformed", "overlong"). */
  dropped: z.record(z.string(), z.int().min(0)),
});
export type LinkStatus = z.infer<typeof linkStatusSchema>;

export const commandStateSchema = z.enum(['sent', 'failed']);
export const commandSchema = z.object({
  id: z.string(),
  nodeId: z.int(),
  payload: z.string(),
  state: commandStateSchema,
  /** ISO 8601 time the hub accepted the command. */
  time: z.string(),
});
export type Command = z.infer<typeof commandSchema>;

export const errorBodySchema = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const userSchema = z.object({ name: z.string(), role: roleSchema });

// Hub → client.
export const snapshotMessage = z.object({
  type: z.literal('snapshot'),
  user: userSchema,
  link: linkStatusSchema,
  nodes: z.array(nodeSchema),
});
export const nodeMessage = z.object({ type: z.literal('node'), node: nodeSchema });
export const linkMessage = z.object({ type: z.literal('link'), link: linkStatusSchema });
export const replyMessage = z.object({ type: z.literal('reply'), id: z.string(), command: commandSchema });
export const errorMessage = z.object({ type: z.literal('error'), id: z.string().nullable(), error: errorBodySchema });

export const serverMessageSchema = z.discriminatedUnion('type', [
  snapshotMessage,
  nodeMessage,
  linkMessage,
  replyMessage,
  errorMessage,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Longest command payload the API accepts; the dialect applies its own, tighter limit. */
export const maxPayloadLength = 64;

// Client → hub.
export const commandRequestMessage = z.strictObject({
  type: z.literal('command'),
  /** Chosen by the client, echoed in the reply; 1 to 64 characters. */
  id: z.string().min(1).max(64),
  nodeId: z.int().min(1).max(1023),
  payload: z.string().min(1).max(maxPayloadLength),
});
export const clientMessageSchema = z.discriminatedUnion('type', [commandRequestMessage]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Body of POST /api/nodes/:id/commands. */
export const commandRequestBody = z.strictObject({ payload: z.string().min(1).max(maxPayloadLength) });

/** Largest websocket message the hub accepts from a client, in bytes. */
export const maxClientMessageBytes = 4096;
