import { Counter, Gauge, type Registry } from 'prom-client';
import type { StatusSources } from './health.js';
import type { HistoryStatus } from './history-service.js';

/** Adds the history writer's counters to a hub's metrics registry; each reads `sources.history` at scrape time. */
export function registerHistoryMetrics(registry: Registry, sources: StatusSources): void {
  const read = sources.history;
  if (read === undefined) return;
  const registers = [registry];
  const counter = (name: string, help: string, field: keyof HistoryStatus): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read()[field] as number);
      },
    });
  };
  const gauge = (name: string, help: string, value: (status: HistoryStatus) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(read()));
      },
    });
  };

  counter('gatehouse_history_readings_written_total', 'Readings committed to the history database since the hub started.', 'written');
  counter('gatehouse_history_readings_dropped_total', 'Readings dropped because the history queue was full.', 'dropped');
  counter('gatehouse_history_readings_invalid_total', 'Readings rejected because a name, unit or value was out of range.', 'invalid');
  counter('gatehouse_history_failed_flushes_total', 'Batches whose transaction failed; they stay queued and are retried.', 'failedFlushes');
  counter('gatehouse_history_retention_deleted_total', 'Rows deleted by history retention since the hub started.', 'retentionDeleted');
  gauge('gatehouse_history_readings_queued', 'Readings waiting in memory for their batch.', (status) => status.queued);
  gauge('gatehouse_history_database_bytes', 'Size of the history database file and its write-ahead log, in bytes.', (status) => status.databaseBytes);
  gauge('gatehouse_history_open', 'Whether the history database is open (1) or off or failed (0).', (status) => (status.state === 'open' ? 1 : 0));
}
