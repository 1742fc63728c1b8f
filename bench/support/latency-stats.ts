import type { LatencyClient } from './latency-clients.js';

/** Latency over every (client, line) pair, in milliseconds, with the delivery counts. */
export interface LatencySummary {
  /** Clients times lines sent: every update that should have arrived. */
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  invalidMessages: number;
  /** Clients whose connection ended before the run did. */
  clientsClosedEarly: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Summarize the latency of each received update: the client's receive time minus the write time of
 * the line with that sequence number. Only the first `linesSent` sequence numbers count.
 */
export function summarizeLatency(clients: readonly LatencyClient[], writtenAt: Float64Array, linesSent: number): LatencySummary {
  const latencies = new Float64Array(clients.length * linesSent);
  let received = 0;
  let sum = 0;
  for (const client of clients) {
    for (let seq = 0; seq < linesSent; seq += 1) {
      const arrival = client.receivedAt[seq] ?? Number.NaN;
      const written = writtenAt[seq] ?? Number.NaN;
      if (Number.isNaN(arrival) || Number.isNaN(written)) {
        continue;
      }
      const latency = arrival - written;
      latencies[received] = latency;
      received += 1;
      sum += latency;
    }
  }

  const sorted = latencies.subarray(0, received).sort();
  const expected = clients.length * linesSent;
  return {
    expected,
    received,
    missing: expected - received,
    duplicates: clients.reduce((total, client) => total + client.duplicates, 0),
    invalidMessages: clients.reduce((total, client) => total + client.invalidMessages, 0),
    clientsClosedEarly: clients.filter((client) => client.closedEarly !== null).length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: received === 0 ? Number.NaN : (sorted[received - 1] ?? Number.NaN),
    meanMs: received === 0 ? Number.NaN : sum / received,
  };
}

/** Return the nearest-rank percentile of an ascending array, or NaN when it is empty. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
