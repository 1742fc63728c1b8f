import { Observable, useObservable } from './observable.js';

/** Current time in epoch milliseconds, updated once a second so "12 s ago" texts tick. */
export const clock = new Observable<number>(Date.now());

let timer: ReturnType<typeof setInterval> | undefined;

/** Starts the one-second tick. Calling it again has no effect. */
export function startClock(): void {
  timer ??= setInterval(() => {
    clock.set(Date.now());
  }, 1000);
}

/**
 * Returns the current time and re-renders the calling component on each tick. It reads `Date.now()`
 * rather than the tick's value, which can be up to a second old when other state changes trigger the render.
 */
export function useNow(): number {
  useObservable(clock);
  return Date.now();
}
