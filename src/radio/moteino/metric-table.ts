import { genericMetricTable, metricNamesOf, type MetricDefinition } from '../../domain/node-types/index.js';
import type { DecodedMetric } from '../../domain/packet.js';

/**
 * Value conversions of the moteino dialect. Which token means which metric is a node type's metric
 * table (src/domain/node-types), which decoding takes as an input.
 */

/** Converts a token's value text, or returns null when the text is not valid for the metric. */
type Convert = (text: string) => number | string | null;

const strictNumberPattern = /^-?\d+(?:\.\d+)?$/;

/**
 * Parses plain decimal notation only. `Number()` would also take `1e5`, `0x10`, ` 7` or an empty
 * string, none of which a node sketch prints, so such text stays a string.
 */
export function parseStrictNumber(text: string): number | null {
  return strictNumberPattern.test(text) ? Number(text) : null;
}

const toNumber: Convert = parseStrictNumber;

const toText: Convert = (text) => (text.length > 0 ? text : null);

/** Battery voltage, printed with or without a `v` suffix (`3.27v`). */
const toVolts: Convert = (text) => parseStrictNumber(text.replace(/[vV]$/, ''));

/**
 * Degrees Fahrenheit. Sketches that avoid floats print hundredths as a bare integer (`6895` is
 * 68.95 °F), so a value without a decimal point is divided by 100, and `F:71` is 0.71 °F.
 */
const toFahrenheit: Convert = (text) => {
  const value = parseStrictNumber(text);
  if (value === null) {
    return null;
  }
  return text.includes('.') ? value : value / 100;
};

/** Garage and door contact states, with the short forms the sketches print. */
const doorStates: Readonly<Record<string, string>> = {
  OPN: 'OPEN',
  OPEN: 'OPEN',
  OPNING: 'OPENING',
  OPENING: 'OPENING',
  CLS: 'CLOSED',
  CLOSED: 'CLOSED',
  CLSING: 'CLOSING',
  CLOSING: 'CLOSING',
  UNK: 'UNKNOWN',
  UNKNOWN: 'UNKNOWN',
};

/** Returns the normalized door state of a word such as `OPN`, or null for any other word. */
export function doorStateOf(word: string): string | null {
  return doorStates[word] ?? null;
}

const toDoorState: Convert = doorStateOf;

/** Converts a token's value text with the definition's conversion, or returns null when the text does not fit. */
export function convertValue(definition: MetricDefinition, text: string): number | string | null {
  switch (definition.conversion) {
    case 'number':
      return toNumber(text);
    case 'text':
      return toText(text);
    case 'volts':
      return toVolts(text);
    case 'fahrenheit':
      return toFahrenheit(text);
    case 'doorState':
      return toDoorState(text);
    case 'scaled': {
      const value = parseStrictNumber(text);
      return value === null ? toText(text) : value * definition.scale + definition.offset;
    }
  }
}

/** Decodes a sonar reading such as `87.4cm`, or returns null for any other token. */
export function decodeDistance(token: string): DecodedMetric | null {
  if (!token.endsWith('cm')) {
    return null;
  }
  const value = parseStrictNumber(token.slice(0, -2));
  return value === null ? null : { name: 'distance', value, unit: 'cm' };
}

/** Every metric name a built-in table can produce. A raw metric must not take one of these names. */
export const knownMetricNames: ReadonlySet<string> = metricNamesOf(genericMetricTable);
