/**
 * The time stamped on readings: the wall clock, except that it never goes backwards. The wall clock
 * can be behind the last stamp, for example on a Pi without a real-time clock that boots at 1970
 * until NTP sets it. Stamps then continue from the last one at the pace of the monotonic clock. Once the wall clock is ahead again, it is used as it is. So a reading is never stamped
 * earlier than one stored before it, and retention, which compares stamps with this clock, never
 * sees recent readings as old.
 */
export class HistoryClock {
  #anchorMs: number;
  #anchorMonotonicMs: number;
  readonly #monotonicMs: () => number;

  /** `floorMs` is the newest time already stored, so the first stamp is not earlier than it. */
  constructor(floorMs: number, monotonicMs: () => number = () => performance.now()) {
    this.#monotonicMs = monotonicMs;
    this.#anchorMs = floorMs;
    this.#anchorMonotonicMs = monotonicMs();
  }

  /** Returns the stamp for a reading whose wall-clock time is `wallMs`, an integer ms. */
  stamp(wallMs: number): number {
    const continued = this.#anchorMs + Math.floor(this.#monotonicMs() - this.#anchorMonotonicMs);
    if (wallMs >= continued) {
      this.#anchorMs = wallMs;
      this.#anchorMonotonicMs = this.#monotonicMs();
      return wallMs;
    }
    return continued;
  }

  /** Tells whether the wall clock is behind the stamps, that is, whether stamps are being continued. */
  isBehind(wallMs: number): boolean {
    return wallMs < this.#anchorMs + Math.floor(this.#monotonicMs() - this.#anchorMonotonicMs);
  }
}
