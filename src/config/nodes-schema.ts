import { z } from 'zod';
import { findNodeTypeProblems, nodeKinds } from '../domain/node-types/index.js';

/**
 * `nodeTypes:` user-defined node types, adding to or overriding the built-in ones, and `nodes:`
 * what the user says about particular nodes. Validated at start like every other key.
 */
export const metricDefinitionSchema = z.strictObject({
  /** Token name as the node sends it, such as "F" for `F:7136`; letters, digits, _ and -. */
  token: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, { message: 'expected a token name such as "F" or "BAT" (letters, digits, _ and -)' }),
  /** Metric name in lower camel case, such as "temperature". */
  metric: z.string().regex(/^[a-z][A-Za-z0-9]{0,31}$/, { message: 'expected a metric name in lower camel case such as "temperature"' }),
  unit: z.string().max(8).nullable().default(null),
  /** The value is multiplied by this (0.01 for hundredths). */
  scale: z.number().finite().default(1),
  /** Added after scaling. */
  offset: z.number().finite().default(0),
  /** Whether the node page draws a graph for this metric. */
  graphed: z.boolean().default(true),
});

export const nodeTypeSchema = z.strictObject({
  /** Kind for the icon and the controls: motion, garage, weather, switch, water, doorbell, sonar, thermostat, generic. */
  kind: z.enum(nodeKinds).default('generic'),
  /** Another type whose metric definitions this one starts from. */
  extends: z.string().optional(),
  metrics: z.array(metricDefinitionSchema).default([]),
  /** Minutes of silence after which a node of this type is shown offline. */
  offlineAfterMinutes: z.int().min(1).max(10_080).default(60),
  /** Battery metric and the value under which it is low (volts or percent, as the metric's unit). */
  battery: z.strictObject({ metric: z.string().min(1), lowBelow: z.number().finite() }).optional(),
});

export const nodeSettingsSchema = z.strictObject({
  /** A node type name: built in (MotionMote, GarageMote, WeatherMote...) or from nodeTypes. */
  type: z.string().min(1).optional(),
  name: z.string().min(1).max(40).optional(),
});

/** Keys of `nodes:` are node ids as strings ("14"). */
export const nodesSchema = z.record(
  z.string().regex(/^(?:[1-9]\d{0,2}|10[01]\d|102[0-3])$/, { message: 'expected a node id from 1 to 1023 as the key' }),
  nodeSettingsSchema,
);
export const nodeTypesSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, { message: 'expected a type name such as "MotionMote" (letters, digits, _ and -)' }),
  nodeTypeSchema,
);
export type NodeTypeConfig = z.infer<typeof nodeTypeSchema>;
export type MetricDefinitionConfig = z.infer<typeof metricDefinitionSchema>;

/**
 * Adds one issue per node type reference that does not resolve: `extends` naming an unknown type, a
 * cycle of `extends`, and `nodes.<id>.type` naming an unknown type.
 */
export function checkNodeTypeReferences(
  config: { nodeTypes: z.infer<typeof nodeTypesSchema>; nodes: z.infer<typeof nodesSchema> },
  context: z.core.$RefinementCtx,
): void {
  for (const problem of findNodeTypeProblems(config.nodeTypes, config.nodes)) {
    context.addIssue({ code: 'custom', path: problem.path, input: problem.value, message: problem.message });
  }
}
