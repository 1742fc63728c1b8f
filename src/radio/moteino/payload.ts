import type { DecodedMetric } from '../../domain/packet.js';
import {
  decodeDistance,
  doorStateOf,
  flagDefinitions,
  knownMetricNames,
  pairDefinitions,
  parseStrictNumber,
} from './metric-table.js';

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
 * Decodes the payload tokens of a node packet (RSSI and ACK tails already removed). Fails on the
 * first token that has no usable name, such as `#r` or `42`.
 */
export function decodePayload(payload: string): PayloadResult {
  const metrics: DecodedMetric[] = [];
  const confirmations: RequestConfirmation[] = [];

  for (const match of payload.matchAll(tokenPattern)) {
    const token = match[0];
    const bracketed = token.startsWith('[') && token.endsWith(']');
    const decoded = decodeToken(bracketed ? token.slice(1, -1) : token, bracketed);
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
function decodeToken(token: string, bracketed: boolean): DecodedMetric | RequestConfirmation | null {
  const separator = token.indexOf(':');
  if (separator === -1) {
    return decodeWord(token);
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

  const definition = pairDefinitions[name];
  const converted = definition === undefined ? null : definition.convert(value);
  if (definition !== undefined && converted !== null) {
    return { name: definition.name, value: converted, unit: definition.unit };
  }
  // An unknown name, or a known name with a value its definition rejects (`F:1e5`), is kept as a
  // raw metric under the token's own name so no reading is attributed to the wrong metric.
  return { name: rawMetricName(name), value: parseStrictNumber(value) ?? value, unit: null };
}

function decodeWord(word: string): DecodedMetric | null {
  const flag = flagDefinitions[word];
  if (flag !== undefined) {
    return { name: flag, value: 1, unit: null };
  }
  const state = doorStateOf(word);
  if (state !== null) {
    return { name: 'state', value: state, unit: null };
  }
  const distance = decodeDistance(word);
  if (distance !== null) {
    return distance;
  }
  if (!tokenNamePattern.test(word)) {
    return null;
  }
  // An unknown bare word is a flag of its own, like MOTION.
  return { name: rawMetricName(word), value: 1, unit: null };
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
 * that collides with a known metric gets a `raw` prefix (`TEMPERATURE` → `rawTemperature`).
 */
export function rawMetricName(tokenName: string): string {
  const parts = tokenName.split('_').filter((part) => part.length > 0);
  const camel = parts
    .map((part, index) => {
      const lower = part.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
  if (!knownMetricNames.has(camel)) {
    return camel;
  }
  return `raw${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}
