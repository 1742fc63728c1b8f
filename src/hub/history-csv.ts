import type { Database } from 'better-sqlite3';
import { countStateRows, exportNumericRows, exportStateRows, planExport } from '../store/history-export.js';
import type { Resolution, StoredMetric } from '../store/history-read.js';

/** Most data rows one CSV download holds; a longer range is cut off and marked as truncated. */
export const maxCsvRows = 100_000;

export interface CsvExport {
  fileName: string;
  resolution: Resolution | 'state';
  truncated: boolean;
  /** Chunks of CSV text, header first, each line ending in CRLF as RFC 4180 specifies. */
  chunks: Generator<string>;
}

/**
 * Builds a CSV export of one metric over [from, to]. Numeric metrics export the finest table that
 * fits in `maxCsvRows` rows, with columns time, time_ms, min, max, mean, count. States export
 * time, time_ms, state. Text cells are neutralised against formula injection.
 */
export function buildCsvExport(db: Database, metric: StoredMetric, from: number, to: number): CsvExport {
  const day = new Date(to).toISOString().slice(0, 10);
  const fileName = `node-${metric.nodeId}-${metric.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.csv`;
  if (metric.kind === 'state') {
    const truncated = countStateRows(db, metric, from, to, maxCsvRows) > maxCsvRows;
    return { fileName, resolution: 'state', truncated, chunks: stateChunks(db, metric, from, to) };
  }
  const plan = planExport(db, metric, from, to, maxCsvRows);
  return { fileName, resolution: plan.resolution, truncated: plan.truncated, chunks: numericChunks(db, metric, plan.resolution, from, to) };
}

function* numericChunks(db: Database, metric: StoredMetric, resolution: Resolution, from: number, to: number): Generator<string> {
  const unit = metric.unit === null ? '' : ` (${metric.unit})`;
  yield `${['time', 'time_ms', `min${unit}`, `max${unit}`, `mean${unit}`, 'count'].map(csvText).join(',')}\r\n`;
  for (const rows of exportNumericRows(db, metric, resolution, from, to, maxCsvRows)) {
    yield rows.map((row) => `${new Date(row.timeMs).toISOString()},${row.timeMs},${row.min},${row.max},${row.mean},${row.count}\r\n`).join('');
  }
}

function* stateChunks(db: Database, metric: StoredMetric, from: number, to: number): Generator<string> {
  yield 'time,time_ms,state\r\n';
  for (const rows of exportStateRows(db, metric, from, to, maxCsvRows)) {
    yield rows.map((row) => `${new Date(row.timeMs).toISOString()},${row.timeMs},${csvText(row.state)}\r\n`).join('');
  }
}

/**
 * Quotes a text cell for CSV (RFC 4180) and neutralises it against formula injection: spreadsheets
 * run a cell that starts with = + - @ (or a tab or carriage return before one) as a formula, so such
 * a cell gets a leading apostrophe, as the OWASP guidance on CSV injection recommends. Numbers
 * written by the hub are not text cells and stay as they are, so a negative temperature stays a number.
 */
export function csvText(text: string): string {
  const neutral = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}
