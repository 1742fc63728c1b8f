/**
 * A strict reader of the Prometheus text exposition format 0.0.4, enough for tests to check what a
 * scrape returns: `# HELP` and `# TYPE` lines, and samples `name{label="value",...} number`.
 * It throws on any line it cannot read, so a malformed output fails the test that parses it.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name to its TYPE (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
  /** Metric family name to its HELP text. */
  help: Map<string, string>;
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const sampleLine = new RegExp(`^(${metricName})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const commentLine = new RegExp(`^# (HELP|TYPE) (${metricName}) ?(.*)$`);
const labelPair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(?:,|$)/;

export function parseExposition(text: string): Exposition {
  const exposition: Exposition = { samples: [], types: new Map(), help: new Map() };
  const lines = text.split('\n');
  if (lines.at(-1) === '') {
    lines.pop();
  }
  for (const [index, line] of lines.entries()) {
    if (line === '') {
      continue;
    }
    if (line.startsWith('#')) {
      const comment = commentLine.exec(line);
      if (comment === null) {
        throw new Error(`line ${index + 1}: unreadable comment: ${line}`);
      }
      const [, kind, name = '', rest = ''] = comment;
      (kind === 'HELP' ? exposition.help : exposition.types).set(name, rest);
      continue;
    }
    const sample = sampleLine.exec(line);
    if (sample === null) {
      throw new Error(`line ${index + 1}: unreadable sample: ${line}`);
    }
    const [, name = '', labelText = '', valueText = ''] = sample;
    exposition.samples.push({ name, labels: parseLabels(labelText, index + 1), value: parseValue(valueText, index + 1) });
  }
  return exposition;
}

/** Find the family a sample belongs to; histogram and summary samples carry a suffix such as `_bucket`. */
export function familyOf(sampleName: string, types: Map<string, string>): string | undefined {
  if (types.has(sampleName)) {
    return sampleName;
  }
  const base = sampleName.replace(/_(bucket|sum|count)$/, '');
  return types.has(base) ? base : undefined;
}

/** Return the value of the one sample with this name whose labels include `labels`. Throws when there is none or several. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length !== 1) {
    throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  }
  return (found[0] as Sample).value;
}

function parseLabels(text: string, lineNumber: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const pair = labelPair.exec(rest);
    if (pair === null) {
      throw new Error(`line ${lineNumber}: unreadable labels: ${text}`);
    }
    const [whole, key = '', raw = ''] = pair;
    labels[key] = raw.replace(/\\(["\\n])/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped));
    rest = rest.slice(whole.length);
  }
  return labels;
}

/**
 * Read a sample value. NaN and infinities are matched without regard to case, as Prometheus reads
 * them (Go's strconv.ParseFloat), because prom-client 15 writes NaN as "Nan" (the event loop lag
 * mean before the first measurement).
 */
function parseValue(text: string, lineNumber: number): number {
  const special: Record<string, number> = { nan: Number.NaN, '+inf': Number.POSITIVE_INFINITY, inf: Number.POSITIVE_INFINITY, '-inf': Number.NEGATIVE_INFINITY };
  const value = special[text.toLowerCase()] ?? Number(text);
  if (Number.isNaN(value) && text.toLowerCase() !== 'nan') {
    throw new Error(`line ${lineNumber}: unreadable value: ${text}`);
  }
  return value;
}
