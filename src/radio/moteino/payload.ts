import type { MetricTable } from '../../domain/node-types/index.js';
import type { DecodedMetric } from '../../domain/packet.js';
import { convertValue, decodeDistance, doorStateOf, knownMetricNames, parseStrictNumber } from './metric-table.js';

/** A node's confirmation of a queued request, such as `P_TXP:20:OK`. */
export interface RequestConfirmation {
  /** Request name as the node printed it, such as `P_TXP`. */
  name: string;
  value: string;
  /** `ok` for `OK`, `invalid` for `INV`, `other` for any other word (kept in `word`). */
  status: 'ok' | 'invalid' | 'other';
  word: string;
}

export type PayloadResult =
  | { ok: true; metrics: DecodedMetric[]; confirmations: RequestConfirmation[] }
  | { ok: false; token: string };

/** A bracketed token (`[DEBUG:free text]` may hold spaces) or a run of non-space characters. */
const tokenPattern = /\[[^\]]*\]|\S+/g;
const tokenNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const statusWordPattern = /^[A-Z]+$/;

/**
 * Decodes the payload tokens of a node packet (RSSI and ACK tails already removed) with the node
 * type's metric table. Fails on the first token that has no usable name, such as `#r` or `42`.
 */
export function decodePayload(payload: string, table: MetricTable): PayloadResult {
  const metrics: DecodedMetric[] = [];
  const confirmations: RequestConfirmation[] = [];

  for (const match of payload.matchAll(tokenPattern)) {
    const token = match[0];
    const bracketed = token.startsWith('[') && token.endsWith(']');
    const decoded = decodeToken(bracketed ? token.slice(1, -1) : token, bracketed, table);
    if (decoded === null) {
      return { ok: false, token };
    }
    if ('status' in decoded) {
      confirmations.push(decoded);
    } else {
      metrics.push(decoded);
    }
  }

  return { ok: true, metrics, confirmations };
}

/** `bracketed` tokens (`[TYPE:x]`, `[DEBUG:x]`) hold free text, so they are never confirmations. */
function decodeToken(token: string, bracketed: boolean, table: MetricTable): DecodedMetric | RequestConfirmation | null {
  const separator = token.indexOf(':');
  if (separator === -1) {
    return decodeWord(token, table);
  }

  const name = token.slice(0, separator);
  const value = token.slice(separator + 1);
  if (!tokenNamePattern.test(name) || value.length === 0) {
    return null;
  }

  const parts = value.split(':');
  if (!bracketed && parts.length === 2 && statusWordPattern.test(parts[1] ?? '')) {
    return confirmationOf(name, parts[0] ?? '', parts[1] ?? '');
  }

  const definition = table.pairs.get(name);
  const converted = definition === undefined ? null : convertValue(definition, value);
  if (definition !== undefined && converted !== null) {
    return { name: definition.metric, value: converted, unit: definition.unit };
  }
  // A name the node's type does not define, or a defined name with a value its definition rejects
  // (`F:1e5`), is kept as a raw metric under the token's own name. So no reading is attributed to
  // the wrong metric, nor to a metric of another node kind.
  return { name: rawMetricName(name, table), value: parseStrictNumber(value) ?? value, unit: null };
}

function decodeWord(word: string, table: MetricTable): DecodedMetric | null {
  const flag = table.flags.get(word);
  if (flag !== undefined) {
    return { name: flag, value: 1, unit: null };
  }
  const state = table.doorWords ? doorStateOf(word) : null;
  if (state !== null) {
    return { name: 'state', value: state, unit: null };
  }
  const distance = table.distance ? decodeDistance(word) : null;
  if (distance !== null) {
    return distance;
  }
  if (!tokenNamePattern.test(word)) {
    return decodeUnitReading(word);
  }
  // An unknown bare word is a flag of its own, like MOTION.
  return { name: rawMetricName(word, table), value: 1, unit: null };
}

/**
 * Keeps a number with a unit that the node's type does not define (`87.4cm` from a weather node) as
 * a raw metric named after the unit (`readingCm`), not as the sonar's `distance`.
 */
function decodeUnitReading(word: string): DecodedMetric | null {
  const match = /^(-?\d+(?:\.\d+)?)([a-z]{1,8})$/.exec(word);
  if (match === null) {
    return null;
  }
  const unit = match[2] ?? '';
  return { name: `reading${unit.charAt(0).toUpperCase()}${unit.slice(1)}`, value: Number(match[1]), unit };
}

function confirmationOf(name: string, value: string, word: string): RequestConfirmation {
  if (word === 'OK') {
    return { name, value, status: 'ok', word };
  }
  if (word === 'INV') {
    return { name, value, status: 'invalid', word };
  }
  return { name, value, status: 'other', word };
}

/**
 * Turns a token name into a lower camel case metric name (`P_TXP` → `pTxp`, `WDIR` → `wdir`). A name
 * that collides with a built-in metric or one of the table's gets a `raw` prefix (`TEMPERATURE` →
 * `rawTemperature`).
 */
export function rawMetricName(tokenName: string, table?: MetricTable): string {
  const parts = tokenName.split('_').filter((part) => part.length > 0);
  const camel = parts
    .map((part, index) => {
      const lower = part.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
  const collides = knownMetricNames.has(camel) || (table !== undefined && [...table.pairs.values()].some((definition) => definition.metric === camel));
  if (!collides) {
    return camel;
  }
  return `raw${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}
