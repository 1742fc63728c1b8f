/** Reason code of a dropped line. */
export type FramerDropReason = 'overlong' | 'nonPrintable';

/** Why the framer discarded bytes: a dropped line, or NUL bytes (a UART's framing errors read as NUL). */
export type DiscardReason = FramerDropReason | 'nul';

export interface FramerCounts {
  /** Lines handed to the line handler. */
  lines: number;
  dropped: Record<FramerDropReason, number>;
}

export interface LineFramerOptions {
  /** Maximum line length kept, in bytes after NUL and CR are removed. Default 256. */
  maxLineLength?: number;
  /**
   * Called with the number of bytes the framer discarded. A non-printable line is reported once. An
   * overlong line is reported when it exceeds the maximum, then once per push() while its rest is
   * skipped up to the LF. NUL bytes removed from lines are reported once per push() as `nul`.
   */
  onDiscard?: (reason: DiscardReason, bytes: number) => void;
}

export const defaultMaxLineLength = 256;

const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const nul = 0x00;

/**
 * Splits a byte stream into LF-terminated text lines. NUL and CR bytes are removed, empty lines are
 * skipped, and lines that are too long or contain non-printable bytes are dropped and counted.
 */
export class LineFramer {
  readonly #onLine: (line: string) => void;
  readonly #onDiscard: ((reason: DiscardReason, bytes: number) => void) | undefined;
  readonly #buffer: Buffer;
  #length = 0;
  #discarding = false;
  #lines = 0;
  readonly #dropped: Record<FramerDropReason, number> = { overlong: 0, nonPrintable: 0 };

  constructor(onLine: (line: string) => void, options: LineFramerOptions = {}) {
    const maxLineLength = options.maxLineLength ?? defaultMaxLineLength;
    if (!Number.isInteger(maxLineLength) || maxLineLength < 1) {
      throw new RangeError(`Invalid maxLineLength ${String(maxLineLength)}: use a positive integer number of bytes.`);
    }
    this.#onLine = onLine;
    this.#onDiscard = options.onDiscard;
    this.#buffer = Buffer.alloc(maxLineLength);
  }

  /** Feeds received bytes and calls the line handler once per complete line, in order. */
  push(chunk: Uint8Array): void {
    let skipped = 0;
    let nuls = 0;
    for (const byte of chunk) {
      if (byte === lineFeed) {
        this.#endLine();
      } else if (this.#discarding) {
        skipped += 1;
      } else if (byte === nul) {
        nuls += 1;
      } else if (byte === carriageReturn) {
        continue;
      } else if (this.#length === this.#buffer.length) {
        // A radio gateway line is well under the maximum because an RFM69 payload is at most 61 bytes.
        // A longer one is noise, often from a wrong baud rate, so drop it up to the next LF and keep
        // memory bounded.
        this.#dropped.overlong += 1;
        this.#discarding = true;
        this.#length = 0;
        this.#onDiscard?.('overlong', this.#buffer.length + 1);
      } else {
        this.#buffer[this.#length] = byte;
        this.#length += 1;
      }
    }
    if (skipped > 0) {
      this.#onDiscard?.('overlong', skipped);
    }
    if (nuls > 0) {
      this.#onDiscard?.('nul', nuls);
    }
  }

  /** Discards a partial line, for example after the port was reopened. Counters are kept. */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
  }

  /** Returns a copy of the counters. */
  counts(): FramerCounts {
    return { lines: this.#lines, dropped: { ...this.#dropped } };
  }

  #endLine(): void {
    const length = this.#length;
    const wasDiscarding = this.#discarding;
    this.reset();
    if (wasDiscarding || length === 0) {
      return;
    }

    const bytes = this.#buffer.subarray(0, length);
    if (!isPrintableAscii(bytes)) {
      this.#dropped.nonPrintable += 1;
      this.#onDiscard?.('nonPrintable', length);
      return;
    }

    this.#lines += 1;
    this.#onLine(bytes.toString('latin1'));
  }
}

/** Checks that every byte is printable ASCII (space to tilde), so no control character, DEL or byte >= 0x80. */
function isPrintableAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 || byte > 0x7e) {
      return false;
    }
  }
  return true;
}
