import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of one process over a run, in MiB. */
export interface RssSummary {
  start: number;
  peak: number;
  end: number;
}

/** Clock ticks per second of the utime and stime fields in /proc/<pid>/stat (usually 100). */
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * Samples the resident set size (VmRSS in /proc/<pid>/status) of the processes it watches at a fixed
 * interval, and their CPU time (utime + stime in /proc/<pid>/stat) between start() and stop().
 * Linux only. A process that has exited stops contributing samples.
 */
export class ProcessSampler {
  readonly #pids: Map<string, number>;
  readonly #rss = new Map<string, { start: number; peak: number; end: number }>();
  readonly #cpuStart = new Map<string, number>();
  readonly #cpuSeconds = new Map<string, number>();
  #startedAt = 0;
  #elapsedSeconds = 0;
  #timer: NodeJS.Timeout | null = null;

  /** `pids` maps a label such as "front" to a process id. */
  constructor(pids: Record<string, number>) {
    this.#pids = new Map(Object.entries(pids));
  }

  start(intervalMs = 250): void {
    this.#startedAt = performance.now();
    for (const [label, pid] of this.#pids) {
      this.#cpuStart.set(label, cpuSecondsOf(pid) ?? 0);
    }
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
    // A run that fails before stop() must still let the process exit.
    this.#timer.unref();
  }

  /** Take a last sample, which is each process's "end" figure, and stop sampling. Later calls do nothing. */
  stop(): void {
    if (this.#timer === null) {
      return;
    }
    clearInterval(this.#timer);
    this.#timer = null;
    this.#sample();
    this.#elapsedSeconds = (performance.now() - this.#startedAt) / 1000;
    for (const [label, pid] of this.#pids) {
      const cpu = cpuSecondsOf(pid);
      if (cpu !== null) {
        this.#cpuSeconds.set(label, cpu - (this.#cpuStart.get(label) ?? 0));
      }
    }
  }

  rss(label: string): RssSummary | null {
    return this.#rss.get(label) ?? null;
  }

  /** CPU time used between start() and stop(), as a percentage of one core. */
  cpuPercent(label: string): number | null {
    const seconds = this.#cpuSeconds.get(label);
    return seconds === undefined || this.#elapsedSeconds === 0 ? null : (100 * seconds) / this.#elapsedSeconds;
  }

  #sample(): void {
    for (const [label, pid] of this.#pids) {
      const mib = rssMibOf(pid);
      if (mib === null) {
        continue;
      }
      const summary = this.#rss.get(label);
      if (summary === undefined) {
        this.#rss.set(label, { start: mib, peak: mib, end: mib });
      } else {
        summary.peak = Math.max(summary.peak, mib);
        summary.end = mib;
      }
    }
  }
}

/** VmRSS of a process in MiB, or null when the process is gone. */
export function rssMibOf(pid: number): number | null {
  const status = readProcFile(`/proc/${pid}/status`);
  const match = status === null ? null : /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match?.[1] === undefined ? null : Number(match[1]) / 1024;
}

/** User plus system CPU time of a process in seconds, or null when the process is gone. */
function cpuSecondsOf(pid: number): number | null {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === null) {
    return null;
  }
  // The command name in field 2 may contain spaces, so the split starts after its closing ')'. Then
  // fields[0] is field 3 (state), and utime and stime (fields 14 and 15) are fields[11] and fields[12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

function readProcFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
