export interface ReopenDelayInput {
  /** Failed attempts since the port was last open, starting at 0. */
  attempt: number;
  initialMs: number;
  maxMs: number;
  /** A permanent error (such as permission denied) waits the maximum delay every time. */
  permanent: boolean;
  /** Random source in [0, 1). */
  random: () => number;
}

/**
 * Returns the delay before the next reopen attempt: `initialMs` doubled per attempt up to `maxMs`,
 * then drawn at random from the upper half of that value. The jitter spreads the attempts of links
 * that lost their ports at the same moment, such as adapters on one USB hub.
 */
export function nextReopenDelay(input: ReopenDelayInput): number {
  const base = input.permanent ? input.maxMs : Math.min(input.maxMs, input.initialMs * 2 ** Math.min(input.attempt, 30));
  return Math.round(base / 2 + (input.random() * base) / 2);
}
