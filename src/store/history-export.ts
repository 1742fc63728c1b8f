import type { Database } from 'better-sqlite3';
import type { Resolution, StoredMetric } from './history-read.js';

/** One exported row: a raw reading has min = max = mean and count 1. */
export interface ExportRow {
  timeMs: number;
  min: number;
  max: number;
  mean: number;
  count: number;
}

export interface ExportPlan {
  resolution: Resolution;
  /** True when the range contains more than `maxRows` rows even at hourly resolution. */
  truncated: boolean;
}

/** Rows read per query while streaming, so no statement stays open between chunks. */
const pageRows = 2000;

/**
 * Picks the finest table that has rows in [from, to] but at most `maxRows` of them: raw readings,
 * then 5-minute rollups, else hourly rollups. Each count stops at `maxRows + 1`, so the check stays cheap.
 */
export function planExport(db: Database, metric: StoredMetric, from: number, to: number, maxRows: number): ExportPlan {
  for (const resolution of ['raw', '5m'] as const) {
    const { table, time } = tableOf(resolution);
    const count = db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE metric_id = ? AND ${time} BETWEEN ? AND ? LIMIT ?)`)
      .pluck()
      .get(metric.id, from, to, maxRows + 1) as number;
    if (count > 0 && count <= maxRows) return { resolution, truncated: false };
  }
  const hourly = db
    .prepare('SELECT count(*) FROM (SELECT 1 FROM rollup_1h WHERE metric_id = ? AND bucket_ms BETWEEN ? AND ? LIMIT ?)')
    .pluck()
    .get(metric.id, from, to, maxRows + 1) as number;
  return { resolution: '1h', truncated: hourly > maxRows };
}

/** Yields the numeric rows of [from, to] from one table, oldest first, at most `maxRows`, one page per query. */
export function* exportNumericRows(db: Database, metric: StoredMetric, resolution: Resolution, from: number, to: number, maxRows: number): Generator<ExportRow[]> {
  const { table, time } = tableOf(resolution);
  const columns = resolution === 'raw' ? 'time_ms AS t, value AS lo, value AS hi, value AS total, 1 AS n' : 'bucket_ms AS t, min_value AS lo, max_value AS hi, sum_value AS total, value_count AS n';
  const page = db.prepare(`SELECT ${columns} FROM ${table} WHERE metric_id = ? AND ${time} >= ? AND ${time} <= ? ORDER BY ${time} LIMIT ?`);
  let next = from;
  let left = maxRows;
  while (left > 0) {
    const rows = page.all(metric.id, next, to, Math.min(pageRows, left)) as { t: number; lo: number; hi: number; total: number; n: number }[];
    if (rows.length === 0) return;
    yield rows.map((row) => ({ timeMs: row.t, min: row.lo, max: row.hi, mean: row.total / row.n, count: row.n }));
    left -= rows.length;
    next = (rows.at(-1)?.t ?? to) + 1;
  }
}

/** Yields the state changes of [from, to], oldest first, at most `maxRows`, one page per query. */
export function* exportStateRows(db: Database, metric: StoredMetric, from: number, to: number, maxRows: number): Generator<{ timeMs: number; state: string }[]> {
  const page = db.prepare(
    `SELECT s.time_ms AS t, x.text AS text FROM state_change s JOIN state_text x ON x.id = s.state_id
     WHERE s.metric_id = ? AND s.time_ms >= ? AND s.time_ms <= ? ORDER BY s.time_ms LIMIT ?`,
  );
  let next = from;
  let left = maxRows;
  while (left > 0) {
    const rows = page.all(metric.id, next, to, Math.min(pageRows, left)) as { t: number; text: string }[];
    if (rows.length === 0) return;
    yield rows.map((row) => ({ timeMs: row.t, state: row.text }));
    left -= rows.length;
    next = (rows.at(-1)?.t ?? to) + 1;
  }
}

/** Counts state changes in [from, to], stopping at `maxRows + 1`. */
export function countStateRows(db: Database, metric: StoredMetric, from: number, to: number, maxRows: number): number {
  return db
    .prepare('SELECT count(*) FROM (SELECT 1 FROM state_change WHERE metric_id = ? AND time_ms BETWEEN ? AND ? LIMIT ?)')
    .pluck()
    .get(metric.id, from, to, maxRows + 1) as number;
}

function tableOf(resolution: Resolution): { table: string; time: string } {
  if (resolution === 'raw') return { table: 'reading', time: 'time_ms' };
  return { table: resolution === '5m' ? 'rollup_5m' : 'rollup_1h', time: 'bucket_ms' };
}
