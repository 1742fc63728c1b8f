import type { LatencySummary } from './latency-stats.js';
import type { RssSummary } from './process-sampler.js';

/** Everything one latency run measured, printed as a table and as one JSON line. */
export interface LatencyResult {
  benchmark: 'latency';
  date: string;
  node: string;
  target: 'front' | 'hub';
  rate: number;
  clients: number;
  seconds: number;
  nodes: number;
  linesSent: number;
  updates: Omit<LatencySummary, 'p50Ms' | 'p99Ms' | 'maxMs' | 'meanMs'>;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  /** How late the sender wrote lines against their schedule. */
  sendLagMs: { p99: number; max: number };
  /** Event loop delay of the benchmark process, which also runs every client. */
  benchLoopDelayMs: { p99: number; max: number };
  rssMiB: { front: RssSummary | null; hub: RssSummary | null };
  /** CPU time during the measured run, in percent of one core. */
  cpuPercent: Record<'front' | 'hub' | 'socat' | 'bench', number | null>;
  /** The hub's own link counters from /api/health, warm-up lines included. */
  hubLink: { linesRead: number | null; dropped: number | null };
  /** Log lines at level warn or above that front and hub wrote during the whole benchmark. */
  logWarnings: { front: number; hub: number };
}

/** Format the result as aligned `label  value` lines for a terminal. */
export function formatTable(result: LatencyResult): string {
  const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : value.toFixed(2));
  const mib = (rss: RssSummary | null): string => (rss === null ? 'n/a' : `${rss.start.toFixed(1)} / ${rss.peak.toFixed(1)} / ${rss.end.toFixed(1)}`);
  const percent = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
  const { updates, latencyMs, cpuPercent } = result;

  const rows: Array<[string, string]> = [
    ['target', result.target === 'front' ? 'front (wss, basic auth, proxy to hub)' : 'hub directly (ws, proxy secret; diagnostic)'],
    ['rate / clients / seconds', `${result.rate} lines/s / ${result.clients} / ${result.seconds} s`],
    ['lines sent', String(result.linesSent)],
    ['updates expected / received', `${updates.expected} / ${updates.received}`],
    ['missing / duplicate / invalid', `${updates.missing} / ${updates.duplicates} / ${updates.invalidMessages}`],
    ['clients closed early', String(updates.clientsClosedEarly)],
    ['latency p50 / p99 / max (ms)', `${ms(latencyMs.p50)} / ${ms(latencyMs.p99)} / ${ms(latencyMs.max)}`],
    ['latency mean (ms)', ms(latencyMs.mean)],
    ['send lag p99 / max (ms)', `${ms(result.sendLagMs.p99)} / ${ms(result.sendLagMs.max)}`],
    ['bench event loop delay p99 / max (ms)', `${ms(result.benchLoopDelayMs.p99)} / ${ms(result.benchLoopDelayMs.max)}`],
    ['front RSS start / peak / end (MiB)', mib(result.rssMiB.front)],
    ['hub RSS start / peak / end (MiB)', mib(result.rssMiB.hub)],
    ['CPU front / hub / socat / bench', `${percent(cpuPercent.front)} / ${percent(cpuPercent.hub)} / ${percent(cpuPercent.socat)} / ${percent(cpuPercent.bench)}`],
    ['hub lines read / dropped', `${String(result.hubLink.linesRead ?? 'n/a')} / ${String(result.hubLink.dropped ?? 'n/a')}`],
    ['warn+ log lines front / hub', `${result.logWarnings.front} / ${result.logWarnings.hub}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
