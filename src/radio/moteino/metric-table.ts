import type { DecodedMetric } from '../../domain/packet.js';

/**
 * Metric definitions of the moteino dialect, one per payload token name. The token names and units
 * are those the LowPowerLab node sketches print: garage, motion, weather, sonar, water meter, switch,
 * doorbell, sprinkler and thermostat nodes.
 */

/** Converts a token's value text, or returns null when the text is not valid for the metric. */
type Convert = (text: string) => number | string | null;

export interface PairDefinition {
  /** Metric name handed to the domain, lower camel case. */
  name: string;
  unit: string | null;
  convert: Convert;
}

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

/** `NAME:value` tokens. */
export const pairDefinitions: Readonly<Record<string, PairDefinition>> = {
  BAT: { name: 'battery', unit: 'V', convert: toVolts },
  VBAT: { name: 'battery', unit: 'V', convert: toVolts },
  V: { name: 'battery', unit: 'V', convert: toVolts },
  F: { name: 'temperature', unit: '°F', convert: toFahrenheit },
  C: { name: 'temperature', unit: '°C', convert: toNumber },
  H: { name: 'humidity', unit: '%', convert: toNumber },
  P: { name: 'pressure', unit: 'inHg', convert: toNumber },
  X: { name: 'txLevel', unit: null, convert: toNumber },
  GAL: { name: 'waterTotal', unit: 'gal', convert: toNumber },
  GPM: { name: 'waterFlow', unit: 'gal/min', convert: toNumber },
  GLM: { name: 'waterLastMinute', unit: 'gal', convert: toNumber },
  BTN0: { name: 'button0', unit: null, convert: toNumber },
  BTN1: { name: 'button1', unit: null, convert: toNumber },
  BTN2: { name: 'button2', unit: null, convert: toNumber },
  SSR: { name: 'ssr', unit: null, convert: toNumber },
  RLY: { name: 'relay', unit: null, convert: toNumber },
  BELL: { name: 'bell', unit: null, convert: toNumber },
  ZONE: { name: 'zone', unit: null, convert: toNumber },
  ZONES: { name: 'zone', unit: null, convert: toText },
  TARGET: { name: 'targetTemperature', unit: null, convert: toNumber },
  HOLD: { name: 'hold', unit: null, convert: toText },
  MODE: { name: 'mode', unit: null, convert: toText },
  TSTATE: { name: 'thermostatState', unit: null, convert: toText },
  FSTATE: { name: 'fanState', unit: null, convert: toText },
  LO: { name: 'timeSinceMotion', unit: null, convert: toText },
  STS: { name: 'state', unit: null, convert: toDoorState },
  TYPE: { name: 'nodeType', unit: null, convert: toText },
  DEBUG: { name: 'debug', unit: null, convert: toText },
};

/** Bare flag words; each reports its metric with the value 1. */
export const flagDefinitions: Readonly<Record<string, string>> = {
  MOTION: 'motion',
  RING: 'ring',
  START: 'start',
};

/** Decodes a sonar reading such as `87.4cm`, or returns null for any other token. */
export function decodeDistance(token: string): DecodedMetric | null {
  if (!token.endsWith('cm')) {
    return null;
  }
  const value = parseStrictNumber(token.slice(0, -2));
  return value === null ? null : { name: 'distance', value, unit: 'cm' };
}

/** Every metric name the table can produce. A raw metric must not take one of these names. */
export const knownMetricNames: ReadonlySet<string> = new Set([
  ...Object.values(pairDefinitions).map((definition) => definition.name),
  ...Object.values(flagDefinitions),
  'state',
  'distance',
]);
