/**
 * Metric definitions of a node type, in a form that any dialect codec can apply: which token names a
 * node of the type sends and what each one means. A codec receives the table as an input, so decoding
 * stays a pure function of the line and the table.
 */

/**
 * How a codec turns a token's value text into a reading: `number` takes plain decimal notation only,
 * `volts` also takes a `v` suffix, `fahrenheit` reads a bare integer as hundredths (`6895` is 68.95),
 * `doorState` maps `OPN`, `CLSING`... to OPEN, CLOSING..., and `text` keeps the text. `scaled` is
 * for user-defined metrics: a number gets `scale` and `offset` applied, and other text is kept as text.
 */
export type MetricConversion = 'number' | 'text' | 'volts' | 'fahrenheit' | 'doorState' | 'scaled';

export interface MetricDefinition {
  /** Token name as the node prints it, such as `F` in `F:71.36`. */
  token: string;
  /** Metric name in lower camel case, such as "temperature". */
  metric: string;
  unit: string | null;
  conversion: MetricConversion;
  /** With the `scaled` conversion, a numeric value is multiplied by `scale`, then `offset` is added. */
  scale: number;
  offset: number;
  /** Whether the node page draws a graph of the metric. */
  graphed: boolean;
}

/** The tokens one node type understands. A token missing from the table stays a raw metric. */
export interface MetricTable {
  /** `NAME:value` tokens by name. */
  pairs: ReadonlyMap<string, MetricDefinition>;
  /** Bare flag words (`MOTION`, `RING`) and the metric each one sets to 1. */
  flags: ReadonlyMap<string, string>;
  /** Whether bare door state words (`OPN`, `CLS`, `OPENING`...) are read as the `state` metric. */
  doorWords: boolean;
  /** Whether a number with a `cm` suffix (`87.4cm`) is read as the `distance` metric. */
  distance: boolean;
}

/** A definition with the defaults for scale, offset and graphing filled in. */
export function metricDefinition(
  token: string,
  metric: string,
  unit: string | null,
  conversion: MetricConversion,
  options: { graphed?: boolean } = {},
): MetricDefinition {
  const graphed = options.graphed ?? (conversion !== 'text' && conversion !== 'doorState');
  return { token, metric, unit, conversion, scale: 1, offset: 0, graphed };
}

/** Merges tables: later pairs and flags replace earlier ones with the same token. */
export function mergeMetricTables(...tables: MetricTable[]): MetricTable {
  const pairs = new Map<string, MetricDefinition>();
  const flags = new Map<string, string>();
  let doorWords = false;
  let distance = false;
  for (const table of tables) {
    for (const [token, definition] of table.pairs) {
      pairs.set(token, definition);
    }
    for (const [word, metric] of table.flags) {
      flags.set(word, metric);
    }
    doorWords ||= table.doorWords;
    distance ||= table.distance;
  }
  return { pairs, flags, doorWords, distance };
}

/** Builds a table from definitions and flag words. */
export function metricTable(
  definitions: MetricDefinition[],
  options: { flags?: Record<string, string>; doorWords?: boolean; distance?: boolean } = {},
): MetricTable {
  return {
    pairs: new Map(definitions.map((definition) => [definition.token, definition])),
    flags: new Map(Object.entries(options.flags ?? {})),
    doorWords: options.doorWords ?? false,
    distance: options.distance ?? false,
  };
}

/** Every metric name a table can produce. */
export function metricNamesOf(table: MetricTable): Set<string> {
  const names = new Set<string>();
  for (const definition of table.pairs.values()) {
    names.add(definition.metric);
  }
  for (const metric of table.flags.values()) {
    names.add(metric);
  }
  if (table.doorWords) {
    names.add('state');
  }
  if (table.distance) {
    names.add('distance');
  }
  return names;
}
