import type { FramerDropReason } from './framer.js';

export interface GarbageWatchOptions {
  /** Dropped lines since the last valid line from which the warning is set. Default 5. */
  minDrops?: number;
  /** Bytes in those dropped lines from which the warning is set. Default 256. */
  minBytes?: number;
}

/** Text of the link status warning while the link reads garbage. */
export const wrongBaudWarning = 'many garbage bytes and no valid line: check the baud rate (radio.baudRate)';

/**
 * Watches the framer's drops for the sign of a wrong baud rate: a sustained stream of non-printable or
 * overlong lines with no valid line between them. A UART read at the wrong rate turns every byte into
 * framing errors and high-bit bytes, so no line survives the framer. One valid line clears the warning.
 */
export class GarbageWatch {
  readonly #minDrops: number;
  readonly #minBytes: number;
  #drops = 0;
  #bytes = 0;

  constructor(options: GarbageWatchOptions = {}) {
    this.#minDrops = options.minDrops ?? 5;
    this.#minBytes = options.minBytes ?? 256;
  }

  /** Records a dropped line; returns true when this drop set the warning. */
  onDrop(_reason: FramerDropReason, bytes: number): boolean {
    const before = this.warning();
    this.#drops += 1;
    this.#bytes += bytes;
    return before === null && this.warning() !== null;
  }

  /** Records a valid line; returns true when it cleared the warning. */
  onLine(): boolean {
    const before = this.warning();
    this.#drops = 0;
    this.#bytes = 0;
    return before !== null;
  }

  warning(): string | null {
    return this.#drops >= this.#minDrops && this.#bytes >= this.#minBytes ? wrongBaudWarning : null;
  }
}
