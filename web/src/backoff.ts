/** Delay before the first reconnect attempt, in milliseconds. */
export const firstRetryDelayMs = 1000;
/** Maximum delay between reconnect attempts, in milliseconds. */
export const maxRetryDelayMs = 30_000;

/**
 * Returns the delay before reconnect attempt number `attempt` (0 for the first): 1 s, doubling each
 * time, capped at 30 s.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.max(0, attempt));
}
