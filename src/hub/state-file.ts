import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from '../auth/atomic-write.js';
import type { Logger } from '../log/logger.js';

/**
 * A small JSON file of hub state in the data directory (requests, node settings). Writes are atomic
 * with mode 0600, one at a time, and debounced by `delayMs`, so that state which changes with every
 * packet costs one write per delay instead of one per packet (an SD card wears with each write).
 */
export class StateFile {
  readonly #file: string;
  readonly #delayMs: number;
  readonly #logger: Logger;
  readonly #render: () => unknown;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: { file: string; delayMs: number; logger: Logger; render: () => unknown }) {
    this.#file = options.file;
    this.#delayMs = options.delayMs;
    this.#logger = options.logger;
    this.#render = options.render;
  }

  /**
   * Reads and validates the file. Returns null when it does not exist. A file that does not parse or
   * validate is logged and also gives null, so the next save replaces it.
   */
  async load<T extends z.ZodType>(schema: T): Promise<z.infer<T> | null> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
    try {
      const result = schema.safeParse(JSON.parse(text));
      if (result.success) {
        return result.data;
      }
      this.#logger.error({ file: this.#file, issues: result.error.issues.length }, 'state file invalid, starting without it');
    } catch (error) {
      this.#logger.error({ file: this.#file, err: error }, 'state file is not JSON, starting without it');
    }
    return null;
  }

  /** Writes the current state after the delay; calls within the delay share one write. */
  schedule(): void {
    if (this.#timer !== null) {
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#write();
    }, this.#delayMs);
    this.#timer.unref();
  }

  /** Writes a pending change now and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
      await this.#write();
    }
    await this.#writing;
  }

  #write(): Promise<void> {
    const content = `${JSON.stringify(this.#render(), null, 2)}\n`;
    this.#writing = this.#writing.then(() =>
      writeFileAtomic(this.#file, content).catch((error: unknown) => {
        this.#logger.error({ file: this.#file, err: error }, 'state file write failed');
      }),
    );
    return this.#writing;
  }
}
