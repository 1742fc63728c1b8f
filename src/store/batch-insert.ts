import type { Database, Statement, Transaction } from 'better-sqlite3';
import { MetricCatalog } from './metric-catalog.js';
import { RollupAccumulator } from './rollups.js';

/** One reading waiting in the writer's queue. */
export interface QueuedReading {
  nodeId: number;
  name: string;
  unit: string | null;
  value: number | string;
  /** Milliseconds since the Unix epoch, an integer. */
  timeMs: number;
}

/** Counts of what one batch changed. */
export interface BatchOutcome {
  /** Numeric readings inserted into `reading`. */
  readings: number;
  /** State texts inserted into `state_change`. */
  stateChanges: number;
  /** State texts equal to the metric's previous state, so not stored. */
  stateRepeats: number;
  /** Readings stored a few ms later than stamped because their (metric, time) key was taken. */
  timeShifted: number;
  /** Readings not stored because every key within `maxTimeShiftMs` was taken. */
  keyConflictsDropped: number;
}

/**
 * How far a reading may move forwards to find a free (metric, time) key. A clock that steps
 * backwards (a Pi without a real-time clock before NTP sets it) stamps new readings with times that
 * old ones already have. Overwriting would lose the old reading and skipping would lose the new one,
 * so the new reading takes the next free millisecond instead. Two readings of one metric within a
 * few ms are not distinguishable anyway, and rollups see the time actually stored.
 */
export const maxTimeShiftMs = 1000;

/** Writes batches of readings, with their state changes and rollups, one transaction per batch. */
export class BatchInserter {
  private readonly catalog: MetricCatalog;
  private readonly rollups: RollupAccumulator;
  private readonly lastStates = new Map<number, number>();
  private readonly insertReading: Statement<[number, number, number]>;
  private readonly insertState: Statement<[number, number, number]>;
  private readonly selectLastState: Statement<[number], { state_id: number }>;
  private readonly transaction: Transaction<(batch: readonly QueuedReading[]) => BatchOutcome>;

  constructor(db: Database) {
    this.catalog = new MetricCatalog(db);
    this.rollups = new RollupAccumulator(db);
    this.insertReading = db.prepare('INSERT INTO reading (metric_id, time_ms, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.insertState = db.prepare('INSERT INTO state_change (metric_id, time_ms, state_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.selectLastState = db.prepare('SELECT state_id FROM state_change WHERE metric_id = ? ORDER BY time_ms DESC LIMIT 1');
    this.transaction = db.transaction((batch: readonly QueuedReading[]) => this.insertAll(batch));
  }

  /** Writes `batch` in one transaction; on an error nothing of it is stored and the error is thrown. */
  insert(batch: readonly QueuedReading[]): BatchOutcome {
    try {
      return this.transaction(batch);
    } catch (error) {
      // The rollback removed ids and states created in this transaction, so the caches are stale.
      this.catalog.forget();
      this.lastStates.clear();
      this.rollups.clear();
      throw error;
    }
  }

  /** Drops the cached metric ids and last states, after rows they refer to were deleted elsewhere. */
  forgetCaches(): void {
    this.catalog.forget();
    this.lastStates.clear();
  }

  private insertAll(batch: readonly QueuedReading[]): BatchOutcome {
    const outcome: BatchOutcome = { readings: 0, stateChanges: 0, stateRepeats: 0, timeShifted: 0, keyConflictsDropped: 0 };
    for (const reading of batch) {
      const metricId = this.catalog.metricId(reading.nodeId, reading.name, reading.unit);
      if (typeof reading.value === 'number') {
        this.insertNumeric(metricId, reading.timeMs, reading.value, outcome);
      } else {
        this.insertStateText(metricId, reading.timeMs, reading.value, outcome);
      }
    }
    this.rollups.write();
    return outcome;
  }

  private insertNumeric(metricId: number, timeMs: number, value: number, outcome: BatchOutcome): void {
    const storedAt = this.insertAtFreeTime(this.insertReading, metricId, timeMs, value, outcome);
    if (storedAt === null) return;
    outcome.readings += 1;
    this.rollups.add(metricId, storedAt, value);
  }

  private insertStateText(metricId: number, timeMs: number, text: string, outcome: BatchOutcome): void {
    const stateId = this.catalog.stateId(text);
    if (this.lastState(metricId) === stateId) {
      outcome.stateRepeats += 1;
      return;
    }
    if (this.insertAtFreeTime(this.insertState, metricId, timeMs, stateId, outcome) === null) return;
    this.lastStates.set(metricId, stateId);
    outcome.stateChanges += 1;
  }

  /** Inserts at `timeMs` or the next free ms up to `maxTimeShiftMs` later; returns the time used. */
  private insertAtFreeTime(statement: Statement<[number, number, number]>, metricId: number, timeMs: number, value: number, outcome: BatchOutcome): number | null {
    for (let shift = 0; shift <= maxTimeShiftMs; shift += 1) {
      if (statement.run(metricId, timeMs + shift, value).changes === 1) {
        if (shift > 0) outcome.timeShifted += 1;
        return timeMs + shift;
      }
    }
    outcome.keyConflictsDropped += 1;
    return null;
  }

  private lastState(metricId: number): number | undefined {
    if (!this.lastStates.has(metricId)) {
      const row = this.selectLastState.get(metricId);
      if (row !== undefined) this.lastStates.set(metricId, row.state_id);
    }
    return this.lastStates.get(metricId);
  }
}
