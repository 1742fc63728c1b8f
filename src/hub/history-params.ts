import { GatehouseError } from '../errors/index.js';

/** Limits and defaults of the history query parameters. */
export const maxPoints = 10_000;
export const defaultPoints = 1000;
export const defaultRangeMs = 24 * 60 * 60 * 1000;
/** The largest time ECMAScript dates represent, in ms since the Unix epoch. */
const maxTimeMs = 8_640_000_000_000_000;

export interface HistoryRange {
  from: number;
  to: number;
  points: number;
}

/**
 * Parses `from`, `to` (ms since the Unix epoch, or ISO 8601 with a date) and `points` of a history
 * query. Defaults: `to` now, `from` 24 hours before `to`, 1000 points. Throws
 * PROTOCOL_MESSAGE_INVALID naming the parameter for an unparsable time, an inverted range or points
 * outside 1..10000.
 */
export function parseHistoryRange(query: Record<string, unknown>, nowMs: number): HistoryRange {
  const to = parseTime(query.to, 'to') ?? nowMs;
  const from = parseTime(query.from, 'from') ?? Math.max(0, to - defaultRangeMs);
  if (from > to) {
    throw invalid(`invalid range: from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})`);
  }
  const points = parsePoints(query.points);
  return { from, to, points };
}

function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalid(`invalid ${name}: expected ms since the Unix epoch or an ISO 8601 time`);
  let time: number;
  if (/^\d{1,16}$/.test(value)) {
    time = Number(value);
  } else if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    time = Date.parse(value);
  } else {
    time = Number.NaN;
  }
  if (!Number.isSafeInteger(time) || time < 0 || time > maxTimeMs) {
    throw invalid(`invalid ${name} "${value.slice(0, 40)}": expected ms since the Unix epoch or an ISO 8601 time such as 2026-01-31T12:00:00Z`);
  }
  return time;
}

function parsePoints(value: unknown): number {
  if (value === undefined) return defaultPoints;
  const points = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(points >= 1 && points <= maxPoints)) {
    throw invalid(`invalid points "${typeof value === 'string' ? value.slice(0, 20) : 'repeated'}": expected an integer from 1 to ${maxPoints}`);
  }
  return points;
}

function invalid(message: string): GatehouseError {
  return new GatehouseError('PROTOCOL_MESSAGE_INVALID', message);
}
