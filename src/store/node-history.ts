import type { Database } from 'better-sqlite3';

/** The newest stored value of one metric. */
export interface LastValue {
  nodeId: number;
  name: string;
  unit: string | null;
  value: number | string;
  timeMs: number;
}

/** A summary of one node's stored history: its newest value per metric and the times of its oldest and newest data. */
export interface NodeHistorySummary {
  nodeId: number;
  firstMs: number;
  lastMs: number;
  values: LastValue[];
}

/**
 * Reads the newest raw reading or state of every metric, grouped by node, with one indexed lookup
 * per metric and table. Metrics with nothing stored (a deleted node's leftovers) are skipped. A
 * metric stored under several units contributes its newest value.
 */
export function readNodeSummaries(db: Database): NodeHistorySummary[] {
  const metrics = db.prepare('SELECT id, node_id, name, unit FROM metric ORDER BY id').all() as { id: number; node_id: number; name: string; unit: string }[];
  const lastReading = db.prepare('SELECT time_ms AS t, value AS v FROM reading WHERE metric_id = ? ORDER BY time_ms DESC LIMIT 1');
  const lastState = db.prepare(
    'SELECT s.time_ms AS t, x.text AS v FROM state_change s JOIN state_text x ON x.id = s.state_id WHERE s.metric_id = ? ORDER BY s.time_ms DESC LIMIT 1',
  );
  const firstTimes = ['reading', 'state_change'].map((table) => db.prepare(`SELECT time_ms AS t FROM ${table} WHERE metric_id = ? ORDER BY time_ms LIMIT 1`));
  const firstBucket = db.prepare('SELECT bucket_ms AS t FROM rollup_1h WHERE metric_id = ? ORDER BY bucket_ms LIMIT 1');

  const nodes = new Map<number, NodeHistorySummary>();
  for (const metric of metrics) {
    const newest = [lastReading.get(metric.id), lastState.get(metric.id)] as ({ t: number; v: number | string } | undefined)[];
    const last = newest.reduce((best, row) => (row !== undefined && (best === undefined || row.t > best.t) ? row : best), undefined);
    if (last === undefined) continue;

    const firsts = [...firstTimes, firstBucket].map((statement) => (statement.get(metric.id) as { t: number } | undefined)?.t ?? Infinity);
    const summary = nodes.get(metric.node_id) ?? { nodeId: metric.node_id, firstMs: Infinity, lastMs: -Infinity, values: [] };
    summary.firstMs = Math.min(summary.firstMs, ...firsts, last.t);
    summary.lastMs = Math.max(summary.lastMs, last.t);
    const previous = summary.values.findIndex((value) => value.name === metric.name);
    const value: LastValue = { nodeId: metric.node_id, name: metric.name, unit: metric.unit === '' ? null : metric.unit, value: last.v, timeMs: last.t };
    if (previous === -1) summary.values.push(value);
    else if ((summary.values[previous]?.timeMs ?? Infinity) < last.t) summary.values[previous] = value;
    nodes.set(metric.node_id, summary);
  }
  return [...nodes.values()].sort((a, b) => a.nodeId - b.nodeId);
}

/** Returns the newest reading or state change time, or null for an empty database. */
export function readNewestTime(db: Database): number | null {
  const metricIds = db.prepare('SELECT id FROM metric').pluck().all() as number[];
  const statements = ['reading', 'state_change'].map((table) => db.prepare(`SELECT time_ms FROM ${table} WHERE metric_id = ? ORDER BY time_ms DESC LIMIT 1`).pluck());
  let newest: number | null = null;
  for (const id of metricIds) {
    for (const statement of statements) {
      const time = statement.get(id) as number | undefined;
      if (time !== undefined && (newest === null || time > newest)) newest = time;
    }
  }
  return newest;
}

/**
 * Deletes the history of one node in small steps: `step()` deletes at most `maxRowsPerStep` rows
 * stamped at or before `cutoffMs` and returns true once nothing is left. The last step also
 * deletes the node's metric rows that no longer have data, so the caller must make the writer
 * forget its cached metric ids right after that step.
 */
export class NodeHistoryEraser {
  private readonly metricIds: number[];
  private readonly tables = [
    { name: 'reading', time: 'time_ms' },
    { name: 'state_change', time: 'time_ms' },
    { name: 'rollup_5m', time: 'bucket_ms' },
    { name: 'rollup_1h', time: 'bucket_ms' },
  ] as const;
  private tableIndex = 0;
  private metricIndex = 0;

  constructor(
    private readonly db: Database,
    nodeId: number,
    private readonly cutoffMs: number,
    private readonly maxRowsPerStep = 2000,
  ) {
    this.metricIds = db.prepare('SELECT id FROM metric WHERE node_id = ?').pluck().all(nodeId) as number[];
  }

  /** Deletes one step's rows in one transaction; returns true when the node's history is gone. */
  step(): boolean {
    return this.db.transaction(() => this.deleteSome())();
  }

  private deleteSome(): boolean {
    let budget = this.maxRowsPerStep;
    while (budget > 0) {
      const table = this.tables[this.tableIndex];
      if (table === undefined) {
        this.deleteEmptyMetrics();
        return true;
      }
      const metricId = this.metricIds[this.metricIndex];
      if (metricId === undefined) {
        this.tableIndex += 1;
        this.metricIndex = 0;
        continue;
      }
      const nth = this.db
        .prepare(`SELECT ${table.time} FROM ${table.name} WHERE metric_id = ? AND ${table.time} <= ? ORDER BY ${table.time} LIMIT 1 OFFSET ?`)
        .pluck()
        .get(metricId, this.cutoffMs, budget - 1) as number | undefined;
      const upTo = nth ?? this.cutoffMs;
      budget -= this.db.prepare(`DELETE FROM ${table.name} WHERE metric_id = ? AND ${table.time} <= ?`).run(metricId, upTo).changes;
      if (nth === undefined) this.metricIndex += 1;
    }
    return false;
  }

  private deleteEmptyMetrics(): void {
    const remove = this.db.prepare(
      `DELETE FROM metric WHERE id = @id
         AND NOT EXISTS (SELECT 1 FROM reading WHERE metric_id = @id)
         AND NOT EXISTS (SELECT 1 FROM state_change WHERE metric_id = @id)
         AND NOT EXISTS (SELECT 1 FROM rollup_5m WHERE metric_id = @id)
         AND NOT EXISTS (SELECT 1 FROM rollup_1h WHERE metric_id = @id)`,
    );
    for (const id of this.metricIds) remove.run({ id });
  }
}
