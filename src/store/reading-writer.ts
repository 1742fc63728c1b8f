import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import type { DecodedMetric } from '../domain/packet.js';
import type { Logger } from '../log/logger.js';
import { BatchInserter, type BatchOutcome, type QueuedReading } from './batch-insert.js';
import { toQueuedReading } from './reading-checks.js';

export interface ReadingWriterOptions {
  /** Maximum time a reading waits in memory before its flush starts, in ms (default 1000). */
  flushIntervalMs?: number;
  /** Readings per transaction; a queue this long starts a flush at once (default 1000). */
  maxBatch?: number;
  /** Maximum readings in the queue; beyond it the oldest are dropped (default 100000). */
  maxQueue?: number;
  logger?: Logger;
  /** Called after each committed batch, for example to acknowledge readings. */
  onFlush?: (result: FlushResult) => void;
}

export interface FlushResult {
  /** Readings taken from the queue in this batch. */
  batchSize: number;
  durationMs: number;
  outcome: BatchOutcome;
}

export interface WriterCounters {
  /** Readings waiting in memory. */
  queued: number;
  /** Readings committed, including state repeats that needed no row. */
  written: number;
  /** Readings dropped because the queue was full, oldest first. */
  dropped: number;
  /** Readings rejected by append() because a field was out of range. */
  invalid: number;
  timeShifted: number;
  keyConflictsDropped: number;
  /** Appends whose time is earlier than the previous append's time. */
  clockStepsBack: number;
  /** Committed transactions. */
  flushes: number;
  failedFlushes: number;
  lastFlushDurationMs: number;
}

/** Log at most one line per kind of repeated problem in this many ms. */
const repeatLogIntervalMs = 10_000;

/**
 * Queues readings in memory and writes them in batches, one transaction per batch, at most
 * `flushIntervalMs` after the first queued reading, so a power cut loses about that much. No method
 * throws: invalid readings, a full queue and failed flushes are counted and logged, and a failed
 * batch stays queued for the next flush.
 */
export class ReadingWriter {
  private readonly inserter: BatchInserter;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly logger: Logger;
  private readonly onFlush: ((result: FlushResult) => void) | undefined;
  private queue: QueuedReading[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private lastTimeMs = -Infinity;
  private readonly lastLogged = new Map<string, { atMs: number; suppressed: number }>();
  private readonly stats: Omit<WriterCounters, 'queued'> = {
    written: 0, dropped: 0, invalid: 0, timeShifted: 0, keyConflictsDropped: 0,
    clockStepsBack: 0, flushes: 0, failedFlushes: 0, lastFlushDurationMs: 0,
  };

  constructor(db: Database, options: ReadingWriterOptions = {}) {
    this.inserter = new BatchInserter(db);
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
    this.maxQueue = Math.max(this.maxBatch, options.maxQueue ?? 100_000);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.onFlush = options.onFlush;
  }

  get counters(): WriterCounters {
    return { queued: this.queue.length - this.head, ...this.stats };
  }

  /** Queues one reading per metric of a packet, stamped `timeMs` (ms since the Unix epoch). */
  append(nodeId: number, metrics: readonly DecodedMetric[], timeMs: number): void {
    if (this.closed) {
      this.stats.invalid += metrics.length;
      this.logRepeated('closed', 'Reading dropped because the writer is closed', { nodeId });
      return;
    }
    if (timeMs < this.lastTimeMs) {
      this.stats.clockStepsBack += 1;
      this.logRepeated('clock', 'Reading time is earlier than the previous one; the clock may have stepped back', { nodeId, timeMs, previousMs: this.lastTimeMs });
    }
    this.lastTimeMs = timeMs;

    for (const metric of metrics) {
      const reading = toQueuedReading(nodeId, metric, timeMs);
      if (typeof reading === 'string') {
        this.stats.invalid += 1;
        this.logRepeated('invalid', 'Invalid reading rejected', { nodeId, reason: reading });
        continue;
      }
      this.queue.push(reading);
    }
    this.dropOverflow();
    this.schedule();
  }

  /** Writes every queued reading now, in batches of `maxBatch`; returns the number committed. */
  flush(): number {
    this.clearTimers();
    let committed = 0;
    while (this.head < this.queue.length) {
      const batch = this.queue.slice(this.head, this.head + this.maxBatch);
      const started = performance.now();
      let outcome: BatchOutcome;
      try {
        outcome = this.inserter.insert(batch);
      } catch (error) {
        this.stats.failedFlushes += 1;
        this.logRepeated('flush', 'Writing a batch of readings failed; it stays queued', { err: error, batchSize: batch.length });
        // Retry on the timer only, so a failing disk is not hit in a tight loop.
        if (!this.closed) this.schedule(false);
        return committed;
      }
      this.head += batch.length;
      committed += batch.length;
      this.recordFlush(batch.length, performance.now() - started, outcome);
    }
    this.queue = [];
    this.head = 0;
    return committed;
  }

  /** Makes the next batch look up metric ids and states again; call after deleting metric rows. */
  forgetCachedIds(): void {
    this.inserter.forgetCaches();
  }

  /** Flushes and stops the timers; later appends are counted as invalid. Does not close `db`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.clearTimers();
    const left = this.queue.length - this.head;
    if (left > 0) this.logger.error({ readings: left }, 'Readings not written at close');
  }

  private recordFlush(batchSize: number, durationMs: number, outcome: BatchOutcome): void {
    this.stats.flushes += 1;
    this.stats.written += batchSize - outcome.keyConflictsDropped;
    this.stats.timeShifted += outcome.timeShifted;
    this.stats.keyConflictsDropped += outcome.keyConflictsDropped;
    this.stats.lastFlushDurationMs = durationMs;
    if (outcome.keyConflictsDropped > 0) {
      this.logRepeated('conflict', 'Readings dropped because every nearby time key was taken', { readings: outcome.keyConflictsDropped });
    }
    if (this.onFlush === undefined) return;
    try {
      this.onFlush({ batchSize, durationMs, outcome });
    } catch (error) {
      this.logRepeated('callback', 'onFlush callback threw', { err: error });
    }
  }

  private dropOverflow(): void {
    const excess = this.queue.length - this.head - this.maxQueue;
    if (excess <= 0) return;
    this.head += excess;
    this.stats.dropped += excess;
    this.logRepeated('dropped', 'Reading queue full; dropped the oldest readings', { dropped: excess, maxQueue: this.maxQueue });
    // Compact once the dropped prefix is at least half the array, so dropping stays O(1) on average.
    if (this.head >= this.queue.length / 2) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(flushFullBatchNow = true): void {
    const queued = this.queue.length - this.head;
    if (queued === 0) return;
    if (flushFullBatchNow && queued >= this.maxBatch && this.immediate === null) {
      this.immediate = setImmediate(() => {
        this.immediate = null;
        this.flush();
      });
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.flushIntervalMs);
    }
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** Logs a warning for a kind of problem at most once per `repeatLogIntervalMs`, with the count skipped. */
  private logRepeated(kind: string, message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const last = this.lastLogged.get(kind);
    if (last !== undefined && now - last.atMs < repeatLogIntervalMs) {
      last.suppressed += 1;
      return;
    }
    this.logger.warn({ ...fields, suppressed: last?.suppressed ?? 0 }, message);
    this.lastLogged.set(kind, { atMs: now, suppressed: 0 });
  }
}
