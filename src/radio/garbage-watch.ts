export interface GarbageWatchOptions {
  /** Bytes discarded since the last valid line from which the warning is set. Default 512. */
  minBytes?: number;
}

/** Text of the link status warning while the link reads garbage. */
export const wrongBaudWarning = 'many garbage bytes and no valid line: check the baud rate (radio.baudRate)';

/**
 * Watches for the sign of a wrong baud rate: a sustained stream of garbage with no valid line in it.
 * Garbage is what the framer discards (NULs, non-printable and overlong lines) and printable lines
 * that do not decode. A UART read at the wrong rate turns text into framing errors, read as NULs, and
 * high-bit bytes, and rarely delivers an LF. The default of 512 bytes is above one overlong line (256
 * bytes by default), so a single burst of noise between valid lines does not set the warning. One
 * valid line clears it.
 */
export class GarbageWatch {
  readonly #minBytes: number;
  #bytes = 0;

  constructor(options: GarbageWatchOptions = {}) {
    this.#minBytes = options.minBytes ?? 512;
  }

  /** Records discarded bytes; returns true when they set the warning. */
  onDiscard(bytes: number): boolean {
    const before = this.warning();
    this.#bytes += bytes;
    return before === null && this.warning() !== null;
  }

  /** Records a valid line; returns true when it cleared the warning. */
  onLine(): boolean {
    const before = this.warning();
    this.#bytes = 0;
    return before !== null;
  }

  warning(): string | null {
    return this.#bytes >= this.#minBytes ? wrongBaudWarning : null;
  }
}
