import { setTimeout as delay } from 'node:timers/promises';
import type { RadioPty } from './radio-pty.js';

export interface SendPlan {
  /** Lines per second. */
  rate: number;
  count: number;
  /** Node ids used in turn, one per line. */
  nodeIds: readonly number[];
  /** Payload token that carries the sequence number, such as `SEQ` (the hub's metric `seq`). */
  token: string;
  signal: AbortSignal;
}

export interface SendResult {
  /** Lines written. There are fewer than planned only when the signal aborted the run. */
  linesSent: number;
  /** `performance.now()` in ms just before each line's write, by sequence number. */
  writtenAt: Float64Array;
  /** Write time minus scheduled time in ms, by sequence number: how late the sender was. */
  lagMs: Float64Array;
}

/**
 * Write `count` moteino node packets such as `[40] SEQ:17 SS:-60`. Line n is scheduled at
 * start + n / rate seconds, so a late timer delays only its own lines and never shifts the ones
 * after it, as setInterval's drift would. Lines already due are written back to back, each with its
 * own write time.
 */
export async function sendLines(radio: RadioPty, plan: SendPlan): Promise<SendResult> {
  const intervalMs = 1000 / plan.rate;
  const writtenAt = new Float64Array(plan.count).fill(Number.NaN);
  const lagMs = new Float64Array(plan.count).fill(Number.NaN);
  const start = performance.now();

  let seq = 0;
  for (; seq < plan.count && !plan.signal.aborted; seq += 1) {
    const due = start + seq * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) {
      // Timers have millisecond resolution, so rounding up keeps a line from going out early.
      await delay(Math.ceil(wait));
    }

    const nodeId = plan.nodeIds[seq % plan.nodeIds.length] ?? 0;
    const line = `[${nodeId}] ${plan.token}:${seq} SS:-60\n`;
    const now = performance.now();
    await radio.write(line);
    writtenAt[seq] = now;
    lagMs[seq] = now - due;
  }
  return { linesSent: seq, writtenAt, lagMs };
}
