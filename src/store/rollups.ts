import type { Database, Statement } from 'better-sqlite3';

/** Rollup bucket lengths in ms; a bucket starts at a multiple of its length since the Unix epoch. */
export const fiveMinutesMs = 5 * 60 * 1000;
export const oneHourMs = 60 * 60 * 1000;

interface Aggregate {
  metricId: number;
  bucketMs: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** Returns the start of the bucket of length `bucketLengthMs` that contains `timeMs`. */
export function bucketStart(timeMs: number, bucketLengthMs: number): number {
  return Math.floor(timeMs / bucketLengthMs) * bucketLengthMs;
}

/**
 * Collects min, max, sum and count per (metric, bucket) for one batch in memory, then merges them
 * into `rollup_5m` and `rollup_1h` with one upsert per bucket. Merging is exact for min, max and
 * count. Sums of fractional values can differ from a fresh SUM() in the last bits, because the
 * result of floating point addition depends on its order.
 */
export class RollupAccumulator {
  private readonly fiveMinute = new Map<string, Aggregate>();
  private readonly hourly = new Map<string, Aggregate>();
  private readonly upsertFiveMinute: Statement<[number, number, number, number, number, number]>;
  private readonly upsertHourly: Statement<[number, number, number, number, number, number]>;

  constructor(db: Database) {
    this.upsertFiveMinute = db.prepare(upsertSql('rollup_5m'));
    this.upsertHourly = db.prepare(upsertSql('rollup_1h'));
  }

  add(metricId: number, timeMs: number, value: number): void {
    addTo(this.fiveMinute, metricId, bucketStart(timeMs, fiveMinutesMs), value);
    addTo(this.hourly, metricId, bucketStart(timeMs, oneHourMs), value);
  }

  /** Writes the collected buckets; call inside the batch's transaction. */
  write(): void {
    for (const a of this.fiveMinute.values()) this.upsertFiveMinute.run(a.metricId, a.bucketMs, a.min, a.max, a.sum, a.count);
    for (const a of this.hourly.values()) this.upsertHourly.run(a.metricId, a.bucketMs, a.min, a.max, a.sum, a.count);
    this.clear();
  }

  clear(): void {
    this.fiveMinute.clear();
    this.hourly.clear();
  }
}

function addTo(buckets: Map<string, Aggregate>, metricId: number, bucketMs: number, value: number): void {
  const key = `${metricId}:${bucketMs}`;
  const found = buckets.get(key);
  if (found === undefined) {
    buckets.set(key, { metricId, bucketMs, min: value, max: value, sum: value, count: 1 });
    return;
  }
  found.min = Math.min(found.min, value);
  found.max = Math.max(found.max, value);
  found.sum += value;
  found.count += 1;
}

function upsertSql(table: 'rollup_5m' | 'rollup_1h'): string {
  return `
    INSERT INTO ${table} (metric_id, bucket_ms, min_value, max_value, sum_value, value_count)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (metric_id, bucket_ms) DO UPDATE SET
      min_value = min(min_value, excluded.min_value),
      max_value = max(max_value, excluded.max_value),
      sum_value = sum_value + excluded.sum_value,
      value_count = value_count + excluded.value_count`;
}
