import type { Database, Statement } from 'better-sqlite3';

/**
 * Maps (node, name, unit) to metric ids and state texts to state ids, creating rows on first use
 * and caching them. Call it only inside a write transaction, and call `forget()` when that
 * transaction rolls back, because ids created in it no longer exist.
 */
export class MetricCatalog {
  private readonly metricIds = new Map<string, number>();
  private readonly stateIds = new Map<string, number>();
  private readonly insertMetric: Statement<[number, string, string]>;
  private readonly selectMetric: Statement<[number, string, string], { id: number }>;
  private readonly insertState: Statement<[string]>;
  private readonly selectState: Statement<[string], { id: number }>;

  constructor(db: Database) {
    this.insertMetric = db.prepare('INSERT INTO metric (node_id, name, unit) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.selectMetric = db.prepare('SELECT id FROM metric WHERE node_id = ? AND name = ? AND unit = ?');
    this.insertState = db.prepare('INSERT INTO state_text (text) VALUES (?) ON CONFLICT DO NOTHING');
    this.selectState = db.prepare('SELECT id FROM state_text WHERE text = ?');
  }

  /** Returns the id of a metric; `unit` null is stored as ''. */
  metricId(nodeId: number, name: string, unit: string | null): number {
    const storedUnit = unit ?? '';
    const key = `${nodeId}\u0000${name}\u0000${storedUnit}`;
    const cached = this.metricIds.get(key);
    if (cached !== undefined) return cached;

    this.insertMetric.run(nodeId, name, storedUnit);
    const row = this.selectMetric.get(nodeId, name, storedUnit);
    if (row === undefined) throw new Error(`metric (${nodeId}, ${name}, ${storedUnit}) is missing right after its insert`);
    this.metricIds.set(key, row.id);
    return row.id;
  }

  /** Returns the id of a state text such as "OPEN". */
  stateId(text: string): number {
    const cached = this.stateIds.get(text);
    if (cached !== undefined) return cached;

    this.insertState.run(text);
    const row = this.selectState.get(text);
    if (row === undefined) throw new Error(`state text ${JSON.stringify(text)} is missing right after its insert`);
    this.stateIds.set(text, row.id);
    return row.id;
  }

  forget(): void {
    this.metricIds.clear();
    this.stateIds.clear();
  }
}
