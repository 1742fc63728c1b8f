import { builtInNodeTypes, builtInTableOf, genericTypeName, type BatteryThreshold, type NodeKind, type NodeType } from './builtin-types.js';
import { mergeMetricTables, metricTable, type MetricDefinition } from './metric-table.js';

/** A user-defined node type as the config file states it (the `nodeTypes` section, validated). */
export interface UserNodeType {
  kind: NodeKind;
  extends?: string | undefined;
  metrics: ReadonlyArray<{ token: string; metric: string; unit: string | null; scale: number; offset: number; graphed: boolean }>;
  offlineAfterMinutes: number;
  battery?: BatteryThreshold | undefined;
}

/** Settings of one node from the config's `nodes` section. */
export interface NodeSettings {
  type?: string | undefined;
  name?: string | undefined;
}

/** One problem in the node type configuration: the config key, the value found and what is wrong. */
export interface NodeTypeProblem {
  path: string[];
  value: string;
  message: string;
}

/**
 * Finds the references that do not resolve: a type extending an unknown type, a cycle of `extends`,
 * and a node set to an unknown type. Each problem names the fix.
 */
export function findNodeTypeProblems(
  userTypes: Readonly<Record<string, UserNodeType>>,
  nodes: Readonly<Record<string, NodeSettings>>,
): NodeTypeProblem[] {
  const problems: NodeTypeProblem[] = [];
  const known = knownTypeNames(userTypes);

  for (const [name, type] of Object.entries(userTypes)) {
    if (type.extends === undefined) {
      continue;
    }
    if (!known.includes(type.extends)) {
      problems.push({
        path: ['nodeTypes', name, 'extends'],
        value: type.extends,
        message: `is not a node type: extend one of ${known.join(', ')}, or define it under nodeTypes`,
      });
      continue;
    }
    const cycle = cycleFrom(name, userTypes);
    if (cycle !== null) {
      problems.push({
        path: ['nodeTypes', name, 'extends'],
        value: type.extends,
        message: `makes a cycle (${cycle.join(' -> ')}): let one of these types extend a built-in type or none`,
      });
    }
  }

  for (const [id, settings] of Object.entries(nodes)) {
    if (settings.type !== undefined && !known.includes(settings.type)) {
      problems.push({
        path: ['nodes', id, 'type'],
        value: settings.type,
        message: `is not a node type: use one of ${known.join(', ')}, or define it under nodeTypes`,
      });
    }
  }
  return problems;
}

function knownTypeNames(userTypes: Readonly<Record<string, UserNodeType>>): string[] {
  return [...new Set([...builtInNodeTypes.keys(), ...Object.keys(userTypes)])];
}

/**
 * Follows `extends` from `start` through user types. A user type that extends its own name extends
 * the built-in type of that name, which ends the chain. Returns the chain when it comes back to a type
 * already visited.
 */
function cycleFrom(start: string, userTypes: Readonly<Record<string, UserNodeType>>): string[] | null {
  const chain = [start];
  let current = start;
  for (;;) {
    const parent = userTypes[current]?.extends;
    if (parent === undefined || parent === current || !(parent in userTypes)) {
      return null;
    }
    if (chain.includes(parent)) {
      return [...chain.slice(chain.indexOf(parent)), parent];
    }
    chain.push(parent);
    current = parent;
  }
}

/**
 * The node types of one configuration: the built-in ones, overridden or extended by the user's, and
 * the type of each node. Build it only from a configuration without problems (findNodeTypeProblems).
 */
export class NodeTypeCatalog {
  readonly #types = new Map<string, NodeType>(builtInNodeTypes);
  readonly #nodes: ReadonlyMap<number, NodeSettings>;

  constructor(userTypes: Readonly<Record<string, UserNodeType>> = {}, nodes: Readonly<Record<string, NodeSettings>> = {}) {
    const problems = findNodeTypeProblems(userTypes, nodes);
    if (problems.length > 0) {
      const first = problems[0];
      throw new Error(`invalid node types: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`);
    }
    const resolved = new Map<string, NodeType>();
    for (const name of Object.keys(userTypes)) {
      this.#resolve(name, userTypes, resolved);
    }
    this.#nodes = new Map(Object.entries(nodes).map(([id, settings]) => [Number(id), settings]));
  }

  get(name: string): NodeType | undefined {
    return this.#types.get(name);
  }

  /** Returns the name the config gives node `nodeId`, or null. */
  configuredName(nodeId: number): string | null {
    return this.#nodes.get(nodeId)?.name ?? null;
  }

  /**
   * Returns a node's type: the one the config sets for the node, else the one the node reports in
   * its own `[TYPE:...]` token when that names a known type, else `generic`.
   */
  typeOf(nodeId: number, reportedType: string | null): NodeType {
    const configured = this.#nodes.get(nodeId)?.type;
    const name = configured ?? (reportedType !== null && this.#types.has(reportedType) ? reportedType : genericTypeName);
    const type = this.#types.get(name) ?? builtInNodeTypes.get(genericTypeName);
    if (type === undefined) {
      throw new Error('the generic node type is missing');
    }
    return type;
  }

  #resolve(name: string, userTypes: Readonly<Record<string, UserNodeType>>, resolved: Map<string, NodeType>): NodeType {
    const cached = resolved.get(name);
    const user = userTypes[name];
    if (cached !== undefined || user === undefined) {
      return cached ?? this.#builtIn(name);
    }

    // A user type that extends its own name starts from the built-in type it replaces.
    let parent: NodeType | null = null;
    if (user.extends !== undefined) {
      parent = user.extends !== name && user.extends in userTypes ? this.#resolve(user.extends, userTypes, resolved) : this.#builtIn(user.extends);
    }
    const own = metricTable(user.metrics.map((metric): MetricDefinition => ({ ...metric, conversion: 'scaled' })));
    const type: NodeType = {
      name,
      kind: user.kind,
      table: mergeMetricTables(parent?.table ?? builtInTableOf(user.kind), own),
      offlineAfterMinutes: user.offlineAfterMinutes,
      battery: user.battery ?? parent?.battery ?? null,
    };
    resolved.set(name, type);
    this.#types.set(name, type);
    return type;
  }

  #builtIn(name: string): NodeType {
    const type = builtInNodeTypes.get(name);
    if (type === undefined) {
      throw new Error(`unknown node type ${name}`);
    }
    return type;
  }
}
