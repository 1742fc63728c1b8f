import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Database } from 'better-sqlite3';
import type { DecodedMetric } from '../../src/domain/packet.js';

/** Creates a temporary folder that is removed when the test ends. */
export async function makeTempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function numeric(name: string, value: number, unit: string | null = 'C'): DecodedMetric {
  return { name, value, unit };
}

export function state(name: string, value: string): DecodedMetric {
  return { name, value, unit: null };
}

export interface StoredReading {
  time_ms: number;
  value: number;
}

/** Returns the stored numeric readings of one metric, oldest first. */
export function storedReadings(db: Database, nodeId: number, name: string): StoredReading[] {
  return db
    .prepare(
      `SELECT r.time_ms, r.value FROM reading r JOIN metric m ON m.id = r.metric_id
       WHERE m.node_id = ? AND m.name = ? ORDER BY r.time_ms`,
    )
    .all(nodeId, name) as StoredReading[];
}

export function countRows(db: Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
