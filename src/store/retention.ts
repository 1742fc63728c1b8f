import type { Database, Statement } from 'better-sqlite3';

export interface RetentionOptions {
  /** Days of raw readings to keep (default 14). */
  rawRetentionDays?: number;
  /** Days of 5-minute rollups to keep (default 180). */
  fiveMinuteRetentionDays?: number;
  /** Days of hourly rollups and of state changes to keep (default 3650). */
  hourlyRetentionDays?: number;
  /** Maximum rows one step deletes, which bounds how long a step blocks the event loop (default 2000). */
  maxRowsPerStep?: number;
}

export interface PurgeStepResult {
  deleted: number;
  /** True when this step finished a pass over every table and metric. */
  done: boolean;
}

const dayMs = 24 * 60 * 60 * 1000;

interface Target {
  retentionMs: number;
  findNth: Statement<[number, number, number], { t: number }>;
  deleteUpTo: Statement<[number, number]>;
  deleteBefore: Statement<[number, number]>;
}

/**
 * Deletes rows older than their table's retention in small steps, each one transaction of at most
 * `maxRowsPerStep` rows, walking metric by metric so every delete uses the (metric id, time) key.
 * State changes follow the hourly retention: they are few, and each one gives the state until the
 * next. Freed pages stay in the file and are reused by new rows, so the file does not shrink.
 */
export class RetentionPurger {
  private readonly maxRowsPerStep: number;
  private readonly targets: Target[];
  private readonly nextMetric: Statement<[number], { id: number }>;
  private targetIndex = 0;
  private metricCursor = 0;

  constructor(private readonly db: Database, options: RetentionOptions = {}) {
    this.maxRowsPerStep = Math.max(1, options.maxRowsPerStep ?? 2000);
    const hourlyMs = (options.hourlyRetentionDays ?? 3650) * dayMs;
    this.targets = [
      this.target('reading', (options.rawRetentionDays ?? 14) * dayMs),
      this.target('state_change', hourlyMs),
      this.target('rollup_5m', (options.fiveMinuteRetentionDays ?? 180) * dayMs),
      this.target('rollup_1h', hourlyMs),
    ];
    this.nextMetric = db.prepare('SELECT id FROM metric WHERE id >= ? ORDER BY id LIMIT 1');
  }

  /** Runs one step against the time `nowMs` (ms since the Unix epoch). */
  step(nowMs: number): PurgeStepResult {
    return this.db.transaction(() => this.deleteSome(nowMs))();
  }

  /**
   * Runs steps until a pass is done or `maxSteps` ran, yielding to the event loop between steps so
   * readings and requests are served in between. Returns the rows deleted.
   */
  async purge(nowMs: number, maxSteps = 100_000): Promise<number> {
    let deleted = 0;
    for (let steps = 0; steps < maxSteps; steps += 1) {
      const result = this.step(nowMs);
      deleted += result.deleted;
      if (result.done) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return deleted;
  }

  private deleteSome(nowMs: number): PurgeStepResult {
    let budget = this.maxRowsPerStep;
    while (budget > 0) {
      const target = this.targets[this.targetIndex];
      if (target === undefined) {
        this.targetIndex = 0;
        this.metricCursor = 0;
        return { deleted: this.maxRowsPerStep - budget, done: true };
      }
      const metric = this.nextMetric.get(this.metricCursor);
      if (metric === undefined) {
        this.targetIndex += 1;
        this.metricCursor = 0;
        continue;
      }

      const cutoffMs = nowMs - target.retentionMs;
      const nth = target.findNth.get(metric.id, cutoffMs, budget - 1);
      if (nth === undefined) {
        // Fewer than `budget` old rows: delete them all and move to the next metric.
        budget -= target.deleteBefore.run(metric.id, cutoffMs).changes;
        this.metricCursor = metric.id + 1;
      } else {
        // Keys are unique per metric, so this deletes exactly `budget` rows.
        budget -= target.deleteUpTo.run(metric.id, nth.t).changes;
      }
    }
    return { deleted: this.maxRowsPerStep, done: false };
  }

  private target(table: string, retentionMs: number): Target {
    const timeColumn = table.startsWith('rollup') ? 'bucket_ms' : 'time_ms';
    return {
      retentionMs,
      findNth: this.db.prepare(`SELECT ${timeColumn} AS t FROM ${table} WHERE metric_id = ? AND ${timeColumn} < ? ORDER BY ${timeColumn} LIMIT 1 OFFSET ?`),
      deleteUpTo: this.db.prepare(`DELETE FROM ${table} WHERE metric_id = ? AND ${timeColumn} <= ?`),
      deleteBefore: this.db.prepare(`DELETE FROM ${table} WHERE metric_id = ? AND ${timeColumn} < ?`),
    };
  }
}
