import { Observable } from './observable.js';

/** Current time in epoch milliseconds, updated once a second so "12 s ago" texts tick. */
export const clock = new Observable<number>(Date.now());

let timer: ReturnType<typeof setInterval> | undefined;

/** Starts the one-second tick; calling it again has no effect. */
export function startClock(): void {
  timer ??= setInterval(() => {
    clock.set(Date.now());
  }, 1000);
}
