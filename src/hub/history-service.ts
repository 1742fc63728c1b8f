import { statSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { HistoryConfig } from '../config/history-schema.js';
import type { DecodedMetric, NodeRegistry } from '../domain/index.js';
import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { HistorySeries, Node } from '../protocol/index.js';
import { findMetric, readSeries, type RetentionWindows, type StoredMetric } from '../store/history-read.js';
import { acquireHistoryLock, releaseHistoryLock } from '../store/history-lock.js';
import { NodeHistoryEraser, readNewestTime, readNodeSummaries, type NodeHistorySummary } from '../store/node-history.js';
import { openHistoryDatabase, ReadingWriter, RetentionPurger } from '../store/index.js';
import { HistoryClock } from './history-clock.js';
import type { LiveLog } from './live-log.js';
import type { PacketListener } from './hub.js';

/** The parts of the hub that the history service uses. */
export interface HistoryHost {
  onPacket(listener: PacketListener): () => void;
  readonly registry: NodeRegistry;
  readonly liveLog: LiveLog;
  /** The radio gateway a node seeded from history is assigned to until it speaks. */
  defaultGateway: string;
}

export interface HistoryServiceOptions {
  host: HistoryHost;
  config: HistoryConfig;
  dataDir: string;
  logger: Logger;
  now: () => Date;
  /** Time from start to the first retention pass, then between passes (defaults 10 s and 1 h). */
  retentionFirstDelayMs?: number;
  retentionIntervalMs?: number;
}

/** The history figures in /api/health and /api/metrics. */
export interface HistoryStatus {
  /** off: history.enabled is false; failed: the database could not be opened. */
  state: 'open' | 'off' | 'failed';
  /** Readings committed to the database since the hub started: what a crash can no longer lose. */
  written: number;
  /** Readings dropped because the queue was full. */
  dropped: number;
  /** Readings rejected as invalid (a name, unit or value out of range). */
  invalid: number;
  /** Readings waiting in memory for their batch. */
  queued: number;
  failedFlushes: number;
  /** Bytes of the database file and its write-ahead log. */
  databaseBytes: number;
  /** Retention passes finished and rows they deleted since the hub started. */
  retentionPasses: number;
  retentionDeleted: number;
  /** Problems for the `reasons` list of /api/health, such as a database set aside as corrupt. */
  problems: string[];
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Keeps the reading history of a running hub. Every metric of every packet, and its RSSI as metric
 * `rssi` in dBm, goes to the batched writer. At start, nodes are seeded from their last stored
 * values. Retention runs in small steps on a timer, and a removed node's history is deleted.
 */
export class HistoryService {
  readonly #options: HistoryServiceOptions;
  readonly #logger: Logger;
  #db: Database | null = null;
  #writer: ReadingWriter | null = null;
  #clock: HistoryClock | null = null;
  #state: HistoryStatus['state'] = 'off';
  readonly #problems: string[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  #retentionTimer: NodeJS.Timeout | null = null;
  #stopping = false;
  readonly #running = new Set<Promise<void>>();
  #retentionPasses = 0;
  #retentionDeleted = 0;

  constructor(options: HistoryServiceOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  get retention(): RetentionWindows {
    const { config } = this.#options;
    return { rawMs: config.rawRetentionDays * dayMs, fiveMinuteMs: config.fiveMinuteRetentionDays * dayMs, hourlyMs: config.hourlyRetentionDays * dayMs };
  }

  /**
   * Opens the database and starts recording. A database that cannot be opened leaves the hub
   * running without history, and /api/health reports why. A second hub on the same data directory
   * throws STORAGE_LOCKED, because two writers would interleave their batches.
   */
  async start(): Promise<void> {
    const { config, dataDir, host } = this.#options;
    if (!config.enabled) {
      this.#logger.info('history is off (history.enabled is false)');
      return;
    }
    await acquireHistoryLock(dataDir);

    let opened;
    try {
      opened = await openHistoryDatabase(dataDir);
    } catch (error) {
      this.#state = 'failed';
      this.#problems.push(`the history database could not be opened: ${(error as Error).message}`);
      this.#logger.error({ err: error }, 'history database could not be opened; running without history');
      return;
    }
    this.#db = opened.db;
    if (opened.recovered !== null) this.#reportRecovered(opened.recovered.movedTo, opened.recovered.reason);

    const newest = readNewestTime(opened.db);
    this.#clock = new HistoryClock(newest === null ? 0 : newest + 1);
    this.#writer = new ReadingWriter(opened.db, { flushIntervalMs: config.flushIntervalMs, logger: this.#logger });
    this.#state = 'open';

    const summaries = readNodeSummaries(opened.db);
    for (const summary of summaries) host.registry.seed(this.#seedNode(summary));

    this.#unsubscribe.push(host.onPacket((event) => this.#record(event.packet.nodeId, event.packet.metrics, event.packet.rssi, event.time)));
    this.#unsubscribe.push(host.registry.onRemove((nodeId) => this.#track(this.#eraseNode(nodeId))));
    this.#scheduleRetention(this.#options.retentionFirstDelayMs ?? 10_000);
    this.#logger.info({ file: opened.file, nodes: summaries.length, schemaVersion: opened.migration.toVersion }, 'history database opened');
  }

  /** Writes what is queued, stops retention after its current step, waits for node deletions, and closes the database. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#retentionTimer !== null) clearTimeout(this.#retentionTimer);
    this.#retentionTimer = null;
    await Promise.all(this.#running);
    this.#writer?.close();
    this.#db?.close();
    this.#writer = null;
    this.#db = null;
    if (this.#options.config.enabled) await releaseHistoryLock(this.#options.dataDir);
  }

  status(): HistoryStatus {
    const counters = this.#writer?.counters;
    return {
      state: this.#state,
      written: counters?.written ?? 0,
      dropped: counters?.dropped ?? 0,
      invalid: counters?.invalid ?? 0,
      queued: counters?.queued ?? 0,
      failedFlushes: counters?.failedFlushes ?? 0,
      databaseBytes: this.#state === 'open' ? databaseBytes(path.join(this.#options.dataDir, 'history.sqlite')) : 0,
      retentionPasses: this.#retentionPasses,
      retentionDeleted: this.#retentionDeleted,
      problems: [...this.#problems, ...this.#clockProblem()],
    };
  }

  #clockProblem(): string[] {
    const wallMs = this.#options.now().getTime();
    if (this.#clock === null || !this.#clock.isBehind(wallMs)) return [];
    return [`the system clock (${new Date(wallMs).toISOString()}) is behind the newest stored reading; readings are stamped from that reading on until the clock is set`];
  }

  /** Finds a stored metric after writing the queued readings; throws HISTORY_DISABLED or METRIC_NOT_FOUND. */
  metric(nodeId: number, name: string): StoredMetric {
    const db = this.#openDatabase();
    this.#writer?.flush();
    const metric = findMetric(db, nodeId, name);
    if (metric === undefined) {
      throw new GatehouseError('METRIC_NOT_FOUND', `node ${nodeId} has no stored history for metric "${name.slice(0, 64)}"`, { context: { nodeId } });
    }
    return metric;
  }

  /** Reads a series after writing the queued readings, so the newest ones are included. */
  series(metric: StoredMetric, from: number, to: number, points: number): HistorySeries {
    const db = this.#openDatabase();
    this.#writer?.flush();
    return readSeries(db, metric, { from, to, points, nowMs: this.#now(), retention: this.retention });
  }

  /** Writes the queued readings and returns the open database for a CSV export. */
  exportDatabase(): Database {
    const db = this.#openDatabase();
    this.#writer?.flush();
    return db;
  }

  #openDatabase(): Database {
    if (this.#db === null) {
      const cause = this.#state === 'failed' ? 'the history database failed to open at start' : 'history.enabled is false';
      throw new GatehouseError('HISTORY_DISABLED', `no history is available: ${cause}`);
    }
    return this.#db;
  }

  #record(nodeId: number, metrics: readonly DecodedMetric[], rssi: number | null, time: Date): void {
    if (this.#writer === null || this.#clock === null) return;
    const stamped = this.#clock.stamp(time.getTime());
    const withRssi = rssi === null || metrics.some((metric) => metric.name === 'rssi') ? metrics : [...metrics, { name: 'rssi', value: rssi, unit: 'dBm' }];
    this.#writer.append(nodeId, withRssi, stamped);
  }

  #now(): number {
    return this.#clock?.stamp(this.#options.now().getTime()) ?? this.#options.now().getTime();
  }

  #seedNode(summary: NodeHistorySummary): Node {
    const metrics: Node['metrics'] = {};
    let rssi: number | null = null;
    for (const value of summary.values) {
      if (value.name === 'rssi' && value.unit === 'dBm' && typeof value.value === 'number') {
        rssi = value.value;
        continue;
      }
      metrics[value.name] = { value: value.value, unit: value.unit, time: new Date(value.timeMs).toISOString() };
    }
    return {
      id: summary.nodeId,
      lastSeen: new Date(summary.lastMs).toISOString(),
      rssi,
      metrics,
      packets: 0,
      firstSeen: new Date(summary.firstMs).toISOString(),
      name: null,
      kind: null,
      type: null,
      gateway: this.#options.host.defaultGateway,
      hidden: false,
      offline: false,
      batteryLow: false,
      pinned: [],
    };
  }

  #reportRecovered(movedTo: string, reason: string): void {
    const text = `The history database was corrupt and was moved to ${movedTo}; a new, empty one is in use. Cause: ${reason}`;
    this.#problems.push(text);
    this.#logger.error({ movedTo, reason }, 'history database was corrupt; moved it aside and started a new one');
    this.#options.host.liveLog.add({ time: this.#options.now().toISOString(), gateway: null, direction: 'system', kind: 'history', nodeId: null, text });
  }

  #scheduleRetention(delayMs: number): void {
    if (this.#stopping) return;
    this.#retentionTimer = setTimeout(() => {
      this.#retentionTimer = null;
      this.#track(this.#runRetention());
    }, delayMs);
    this.#retentionTimer.unref();
  }

  async #runRetention(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    const { config } = this.#options;
    const purger = new RetentionPurger(db, {
      rawRetentionDays: config.rawRetentionDays,
      fiveMinuteRetentionDays: config.fiveMinuteRetentionDays,
      hourlyRetentionDays: config.hourlyRetentionDays,
    });
    const nowMs = this.#now();
    let deleted = 0;
    try {
      // One pass, step by step, yielding to the event loop between steps of at most 2000 rows.
      for (let steps = 0; steps < 100_000 && !this.#stopping; steps += 1) {
        const result = purger.step(nowMs);
        deleted += result.deleted;
        if (result.done) {
          this.#retentionPasses += 1;
          break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.#retentionDeleted += deleted;
      this.#logger.info({ deleted, cutoffBase: new Date(nowMs).toISOString() }, 'history retention pass finished');
    } catch (error) {
      this.#logger.error({ err: error }, 'history retention pass failed; the next pass retries');
    }
    this.#scheduleRetention(this.#options.retentionIntervalMs ?? 60 * 60 * 1000);
  }

  async #eraseNode(nodeId: number): Promise<void> {
    const db = this.#db;
    if (db === null || this.#writer === null) return;
    this.#writer.flush();
    const eraser = new NodeHistoryEraser(db, nodeId, this.#now());
    try {
      // Not cut short by stop(): a half-deleted node would be seeded again at the next start.
      while (!eraser.step()) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // The last step may have deleted metric rows whose ids the writer caches.
      this.#writer?.forgetCachedIds();
      this.#logger.info({ nodeId }, 'history of a removed node deleted');
    } catch (error) {
      this.#logger.error({ err: error, nodeId }, 'deleting the history of a removed node failed');
    }
  }

  #track(work: Promise<void>): void {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }
}

function databaseBytes(file: string): number {
  let total = 0;
  for (const name of [file, `${file}-wal`]) {
    try {
      total += statSync(name).size;
    } catch {
      // The -wal file is absent between checkpoints that truncate it.
    }
  }
  return total;
}
