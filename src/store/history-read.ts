import type { Database } from 'better-sqlite3';
import type { HistorySeries } from '../protocol/index.js';
import { fiveMinutesMs, oneHourMs } from './rollups.js';

/** One stored metric of a node: numeric readings or state changes. */
export interface StoredMetric {
  id: number;
  nodeId: number;
  name: string;
  /** null when the metric has no unit. */
  unit: string | null;
  kind: 'numeric' | 'state';
}

/** The table a numeric series was read from. */
export type Resolution = 'raw' | '5m' | '1h';

/** The retention of each table in ms, which tells how far back it still contains data. */
export interface RetentionWindows {
  rawMs: number;
  fiveMinuteMs: number;
  hourlyMs: number;
}

export interface SeriesQuery {
  from: number;
  to: number;
  /** Maximum points in the result, 1 or more. */
  points: number;
  /** The history clock's current time, to tell which tables still cover `from`. */
  nowMs: number;
  retention: RetentionWindows;
}

interface GroupRow {
  g: number;
  lo: number;
  hi: number;
  total: number;
  n: number;
}

/**
 * Finds the metric `name` of node `nodeId`. A metric whose unit changed has one row per unit; the
 * newest row (highest id) wins, because it is the one the node reports now.
 */
export function findMetric(db: Database, nodeId: number, name: string): StoredMetric | undefined {
  const row = db.prepare('SELECT id, unit FROM metric WHERE node_id = ? AND name = ? ORDER BY id DESC LIMIT 1').get(nodeId, name) as
    | { id: number; unit: string }
    | undefined;
  if (row === undefined) return undefined;
  const hasStates = db.prepare('SELECT 1 FROM state_change WHERE metric_id = ? LIMIT 1').get(row.id) !== undefined;
  return { id: row.id, nodeId, name, unit: row.unit === '' ? null : row.unit, kind: hasStates ? 'state' : 'numeric' };
}

/** Tells whether any metric of node `nodeId` is stored. */
export function hasNode(db: Database, nodeId: number): boolean {
  return db.prepare('SELECT 1 FROM metric WHERE node_id = ? LIMIT 1').get(nodeId) !== undefined;
}

/**
 * Reads a series of at most `query.points` points. Raw readings are returned as they are when few
 * enough lie in the range. Otherwise the range is cut into `points` equal groups. Each group gets
 * the min, max and mean of the finest table whose buckets fit a group and whose retention still
 * covers `from`. So a short spike survives as a group's max instead of being skipped by sampling.
 * A rollup bucket that starts before `from` counts towards the first group.
 */
export function readSeries(db: Database, metric: StoredMetric, query: SeriesQuery): HistorySeries {
  if (metric.kind === 'state') return readStates(db, metric, query);

  const { from, to, points } = query;
  const base = { kind: 'numeric' as const, nodeId: metric.nodeId, metric: metric.name, unit: metric.unit, from, to };
  const raw = db
    .prepare('SELECT time_ms AS t, value AS v FROM reading WHERE metric_id = ? AND time_ms BETWEEN ? AND ? ORDER BY time_ms LIMIT ?')
    .all(metric.id, from, to, points + 1) as { t: number; v: number }[];
  if (raw.length <= points && coversFrom('raw', query)) {
    const values = raw.map((row) => row.v);
    return { ...base, resolution: 'raw', times: raw.map((row) => row.t), min: values, max: values, mean: values };
  }

  // floor(range / points) + 1 keeps the largest group index, floor(range / width), below `points`.
  const width = Math.floor((to - from) / points) + 1;
  const resolution = chooseResolution(width, query);
  const rows = resolution === 'raw' ? groupRaw(db, metric.id, from, to, width) : groupRollups(db, metric.id, resolution, from, to, width);
  return {
    ...base,
    resolution,
    times: rows.map((row) => from + row.g * width),
    min: rows.map((row) => row.lo),
    max: rows.map((row) => row.hi),
    mean: rows.map((row) => row.total / row.n),
  };
}

function chooseResolution(width: number, query: SeriesQuery): Resolution {
  if (width < fiveMinutesMs && coversFrom('raw', query)) return 'raw';
  if (width < oneHourMs && coversFrom('5m', query)) return '5m';
  return '1h';
}

function coversFrom(resolution: Resolution, query: SeriesQuery): boolean {
  let keptMs = query.retention.hourlyMs;
  if (resolution === 'raw') keptMs = query.retention.rawMs;
  if (resolution === '5m') keptMs = query.retention.fiveMinuteMs;
  return query.from >= query.nowMs - keptMs;
}

// better-sqlite3 binds JS numbers as REAL, so the group number casts them to get integer division.
function groupRaw(db: Database, metricId: number, from: number, to: number, width: number): GroupRow[] {
  return db
    .prepare(
      `SELECT (time_ms - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS g, min(value) AS lo, max(value) AS hi, sum(value) AS total, count(*) AS n
       FROM reading WHERE metric_id = ? AND time_ms BETWEEN ? AND ? GROUP BY g ORDER BY g`,
    )
    .all(from, width, metricId, from, to) as GroupRow[];
}

function groupRollups(db: Database, metricId: number, resolution: '5m' | '1h', from: number, to: number, width: number): GroupRow[] {
  const table = resolution === '5m' ? 'rollup_5m' : 'rollup_1h';
  const bucketMs = resolution === '5m' ? fiveMinutesMs : oneHourMs;
  return db
    .prepare(
      `SELECT max(0, (bucket_ms - CAST(? AS INTEGER)) / CAST(? AS INTEGER)) AS g, min(min_value) AS lo, max(max_value) AS hi, sum(sum_value) AS total, sum(value_count) AS n
       FROM ${table} WHERE metric_id = ? AND bucket_ms > ? AND bucket_ms <= ? GROUP BY g ORDER BY g`,
    )
    .all(from, width, metricId, from - bucketMs, to) as GroupRow[];
}

/**
 * Reads a state timeline: the state in force at `from`, then at most `points` changes. When more
 * changes lie in the range, the result's `to` is moved back to just before the first change left
 * out, so a client can ask again from there.
 */
function readStates(db: Database, metric: StoredMetric, query: SeriesQuery): HistorySeries {
  const initial = db
    .prepare(
      `SELECT t.text AS text FROM state_change s JOIN state_text t ON t.id = s.state_id
       WHERE s.metric_id = ? AND s.time_ms <= ? ORDER BY s.time_ms DESC LIMIT 1`,
    )
    .get(metric.id, query.from) as { text: string } | undefined;
  const changes = db
    .prepare(
      `SELECT s.time_ms AS t, t.text AS text FROM state_change s JOIN state_text t ON t.id = s.state_id
       WHERE s.metric_id = ? AND s.time_ms > ? AND s.time_ms <= ? ORDER BY s.time_ms LIMIT ?`,
    )
    .all(metric.id, query.from, query.to, query.points + 1) as { t: number; text: string }[];

  let to = query.to;
  const next = changes[query.points];
  if (next !== undefined) {
    changes.length = query.points;
    to = next.t - 1;
  }
  return {
    kind: 'state',
    nodeId: metric.nodeId,
    metric: metric.name,
    from: query.from,
    to,
    initial: initial?.text ?? null,
    times: changes.map((row) => row.t),
    states: changes.map((row) => row.text),
  };
}
