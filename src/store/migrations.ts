/** One step of the history schema; `sql` runs in the same transaction that sets `user_version`. */
export interface Migration {
  /** The `PRAGMA user_version` a database has after this step; steps are numbered 1, 2, 3… */
  version: number;
  description: string;
  sql: string;
}

/**
 * The history schema, one entry per version. Append new steps; never edit a step that has shipped,
 * because databases in the field already ran it.
 *
 * Version 1 is laid out for few bytes per reading on an SD card:
 * - `metric` maps (node, name, unit) to a small integer id, so readings carry no text. The unit is
 *   part of the key, so a firmware that changes a unit starts a new series instead of mixing units.
 *   An absent unit is stored as ''.
 * - `reading` contains numeric readings keyed by (metric id, time in ms since the Unix epoch). It is
 *   WITHOUT ROWID, so the key is the row and no second index exists.
 * - `state_change` holds text values such as OPEN/CLOSED, only when they differ from the previous
 *   state of the metric, with the text interned in `state_text`.
 * - `rollup_5m` and `rollup_1h` hold min, max, sum and count per metric and bucket start (ms),
 *   maintained by the writer in the same transaction as the readings.
 */
export const historyMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'metrics, readings, state changes and rollups',
    sql: `
      CREATE TABLE metric (
        id INTEGER PRIMARY KEY,
        node_id INTEGER NOT NULL CHECK (node_id BETWEEN 1 AND 1023),
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        UNIQUE (node_id, name, unit)
      ) STRICT;

      CREATE TABLE reading (
        metric_id INTEGER NOT NULL REFERENCES metric (id),
        time_ms INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (metric_id, time_ms)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE state_text (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
      ) STRICT;

      CREATE TABLE state_change (
        metric_id INTEGER NOT NULL REFERENCES metric (id),
        time_ms INTEGER NOT NULL,
        state_id INTEGER NOT NULL REFERENCES state_text (id),
        PRIMARY KEY (metric_id, time_ms)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE rollup_5m (
        metric_id INTEGER NOT NULL REFERENCES metric (id),
        bucket_ms INTEGER NOT NULL,
        min_value REAL NOT NULL,
        max_value REAL NOT NULL,
        sum_value REAL NOT NULL,
        value_count INTEGER NOT NULL,
        PRIMARY KEY (metric_id, bucket_ms)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE rollup_1h (
        metric_id INTEGER NOT NULL REFERENCES metric (id),
        bucket_ms INTEGER NOT NULL,
        min_value REAL NOT NULL,
        max_value REAL NOT NULL,
        sum_value REAL NOT NULL,
        value_count INTEGER NOT NULL,
        PRIMARY KEY (metric_id, bucket_ms)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
