import { z } from 'zod';

/**
 * `history:` readings kept in <dataDir>/history.sqlite. Raw readings are kept for days, the 5-minute
 * and hourly rollups (min, max, mean, count) much longer, so a graph over a year stays cheap.
 */
export const historySchema = z.strictObject({
  /** false keeps no history at all (the hub writes nothing to the SD card). */
  enabled: z.boolean().default(true),
  /** Days raw readings are kept; state changes follow hourlyRetentionDays. */
  rawRetentionDays: z.int().min(1).max(3650).default(30),
  /** Days the 5-minute rollups are kept. */
  fiveMinuteRetentionDays: z.int().min(1).max(3650).default(400),
  /** Days the hourly rollups and the state changes are kept. */
  hourlyRetentionDays: z.int().min(1).max(36500).default(3650),
  /** Maximum time a reading waits in memory before its batch is written, so about what a crash can lose. */
  flushIntervalMs: z.int().min(100).max(10_000).default(1000),
});
export type HistoryConfig = z.infer<typeof historySchema>;
