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
  /** ISO 8601 time the hub first heard the node (kept across restarts once history is on). */
  firstSeen: z.string().nullable().default(null),
  /** Name given by a user, or null to show "Node <id>". */
  name: z.string().nullable().default(null),
  /**
   * The node type's kind, which picks the icon and the controls: motion, garage, weather, switch,
   * water, doorbell, sonar, sprinkler, thermostat or generic. It is null until the hub has decided.
   */
  kind: z.string().nullable().default(null),
  /** Node type name (from the config's nodes/nodeTypes, or the node's own TYPE token); null for generic. */
  type: z.string().nullable().default(null),
  /** Name of the radio gateway the node was last heard on. */
  gateway: z.string().default('radio'),
  /** Hidden nodes are left out of the dashboard unless the user asks to see them. */
  hidden: z.boolean().default(false),
  /** True once the node has been silent longer than its type's offline time. */
  offline: z.boolean().default(false),
  /** True while a battery metric is below its type's low threshold. */
  batteryLow: z.boolean().default(false),
  /** Metric names a user pinned to the node's card, in order; empty shows the type's defaults. */
  pinned: z.array(z.string()).default([]),
});
export type Node = z.infer<typeof nodeSchema>;
/** A node as code builds it before sending: the defaulted fields may be left out. */
export type NodeInput = z.input<typeof nodeSchema>;

export const linkStateSchema = z.enum(['connecting', 'open', 'closed', 'failed']);
export type LinkState = z.infer<typeof linkStateSchema>;

export const linkStatusSchema = z.object({
  /** Name of the radio gateway (radio[].name in the config; "radio" for a single one). */
  gateway: z.string().default('radio'),
  dialect: z.string().default('moteino'),
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
  /** A suspected problem while the port is open, such as a wrong baud rate; null when none. */
  warning: z.string().nullable().default(null),
  /**
   * Whether the radio gateway replies to the dialect's probes (mysensors I_VERSION): false marks a silent
   * gateway as disconnected. Null or absent when the dialect does not probe or no reply is due yet.
   */
  responding: z.boolean().nullable().optional(),
});
export type LinkStatus = z.infer<typeof linkStatusSchema>;

/**
 * The state of a direct send. `sent` reached the radio gateway. `queued` waits for a closed link to
 * reopen and then becomes `sent` or `expired`. `failed` could not be written.
 */
export const commandStateSchema = z.enum(['queued', 'sent', 'failed', 'expired']);
export const commandSchema = z.object({
  id: z.string(),
  nodeId: z.int(),
  payload: z.string(),
  state: commandStateSchema,
  /** ISO 8601 time the hub accepted the command. */
  time: z.string(),
});
export type Command = z.infer<typeof commandSchema>;

/**
 * A request for a sleeping node, queued on the radio gateway until the node wakes:
 * pending -> ok (the node confirmed) | invalid (the node refused) | timedOut | cancelled.
 */
export const requestStateSchema = z.enum(['pending', 'ok', 'invalid', 'timedOut', 'cancelled']);
export type RequestState = z.infer<typeof requestStateSchema>;
export const requestSchema = z.object({
  id: z.string(),
  gateway: z.string(),
  nodeId: z.int().min(1).max(1023),
  /** Setting name, such as P_TXP. */
  name: z.string(),
  value: z.string().nullable(),
  state: requestStateSchema,
  /** ISO 8601 times: created, last state change, and when a pending request times out. */
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
  /** User (or token:<name>) who made the request. */
  user: z.string(),
});
export type NodeRequest = z.infer<typeof requestSchema>;

/** One entry of the live log: a radio line in or out, or a system event, for admins and operators. */
export const logEntrySchema = z.object({
  /** ISO 8601 time. */
  time: z.string(),
  gateway: z.string().nullable(),
  direction: z.enum(['in', 'out', 'system']),
  /** packet, gateway, dropped (with reason), command, request, link, node... */
  kind: z.string(),
  nodeId: z.int().nullable(),
  /** The line or event text, with secrets (ENCRYPTKEY) redacted. Always rendered as text. */
  text: z.string(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

/**
 * Body of GET /api/nodes/:id/metrics/:metric/history. Numeric metrics come as columns that uPlot can
 * draw as they are: `times` in ms since the epoch and, per point, min, max and mean (all equal for a raw
 * reading). Text metrics (OPEN/CLOSED...) come as state changes.
 */
export const historySeriesSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    nodeId: z.int(),
    metric: z.string(),
    unit: z.string().nullable(),
    /** raw readings, or 5-minute or hourly rollups. */
    resolution: z.enum(['raw', '5m', '1h']),
    from: z.int(),
    to: z.int(),
    times: z.array(z.number()),
    min: z.array(z.number()),
    max: z.array(z.number()),
    mean: z.array(z.number()),
  }),
  z.object({
    kind: z.literal('state'),
    nodeId: z.int(),
    metric: z.string(),
    from: z.int(),
    to: z.int(),
    /** The state in force at `from` (null when unknown), then every change in the range. */
    initial: z.string().nullable(),
    times: z.array(z.number()),
    states: z.array(z.string()),
  }),
]);
export type HistorySeries = z.infer<typeof historySeriesSchema>;

/** Body of PATCH /api/nodes/:id (operator or admin): any subset. */
export const nodeUpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(40).nullable().optional(),
  hidden: z.boolean().optional(),
  pinned: z.array(z.string().min(1).max(40)).max(8).optional(),
});
export type NodeUpdate = z.infer<typeof nodeUpdateBody>;

/** Body of POST /api/nodes/:id/requests. */
export const requestCreateBody = z.strictObject({
  name: z.string().min(1).max(16),
  value: z.string().min(1).max(16).optional(),
});

export const errorBodySchema = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const userSchema = z.object({ name: z.string(), role: roleSchema });

// Hub → client.
export const snapshotMessage = z.object({
  type: z.literal('snapshot'),
  user: userSchema,
  /** One status per radio gateway, in config order. */
  links: z.array(linkStatusSchema),
  nodes: z.array(nodeSchema),
  /** Pending requests and those that ended in the last hour. */
  requests: z.array(requestSchema).default([]),
});
export const nodeMessage = z.object({ type: z.literal('node'), node: nodeSchema });
/** A node deleted by a user (its history is gone too). */
export const nodeRemovedMessage = z.object({ type: z.literal('nodeRemoved'), nodeId: z.int() });
/** A change of one radio gateway's link status, named by `link.gateway`. */
export const linkMessage = z.object({ type: z.literal('link'), link: linkStatusSchema });
/** A request was created or changed state. */
export const requestMessage = z.object({ type: z.literal('request'), request: requestSchema });
/** A queued command (link down) was sent or expired. */
export const commandMessage = z.object({ type: z.literal('command'), command: commandSchema });
/** Live log entries, only to clients that subscribed to the log. */
export const logMessage = z.object({ type: z.literal('log'), entries: z.array(logEntrySchema) });
/** The reply to a client message with `id`, with the command when the message was a `command`. */
export const replyMessage = z.object({ type: z.literal('reply'), id: z.string(), command: commandSchema.optional() });
export const errorMessage = z.object({ type: z.literal('error'), id: z.string().nullable(), error: errorBodySchema });

export const serverMessageSchema = z.discriminatedUnion('type', [
  snapshotMessage,
  nodeMessage,
  nodeRemovedMessage,
  linkMessage,
  requestMessage,
  commandMessage,
  logMessage,
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
/**
 * Start (true) or stop (false) receiving the live log; the hub first sends the recent entries it
 * keeps. Needs the operator or admin role.
 */
export const logSubscribeMessage = z.strictObject({
  type: z.literal('subscribeLog'),
  id: z.string().min(1).max(64),
  enabled: z.boolean(),
});
export const clientMessageSchema = z.discriminatedUnion('type', [commandRequestMessage, logSubscribeMessage]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Body of POST /api/nodes/:id/commands. */
export const commandRequestBody = z.strictObject({ payload: z.string().min(1).max(maxPayloadLength) });

/** Largest websocket message the hub accepts from a client, in bytes. */
export const maxClientMessageBytes = 4096;
