import { EventEmitter } from 'node:events';
import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { LinkState } from '../protocol/index.js';
import { LineFramer } from './framer.js';
import { GarbageWatch } from './garbage-watch.js';
import type { LinkOwnStatus, RadioLink, RadioLinkEvents } from './link.js';
import { nextReopenDelay } from './reopen-delay.js';

/** Options every line link takes, whatever carries its bytes. */
export interface LineLinkOptions {
  /** Child logger of the component, for example `logger.child({ component: 'link' })`. */
  logger: Logger;
  /** First reopen delay in milliseconds, doubled after each failed attempt. Default 500. */
  backoffInitialMs?: number;
  /** Maximum reopen delay in milliseconds, also used as the delay in the failed state. Default 30000. */
  backoffMaxMs?: number;
  /** Maximum line length in bytes before the framer drops a line. Default 256. */
  maxLineLength?: number;
  /** Random source in [0, 1) for the reopen jitter. Default Math.random. */
  random?: () => number;
  /**
   * Returns whether a framed line is one the dialect decodes; other lines count as garbage for the
   * wrong-baud warning. Default: every framed line of at least 6 characters.
   */
  isValidLine?: (line: string) => boolean;
}

/** The shortest line of either dialect, such as `ACK:OK`; shorter printable lines are noise. */
export const minValidLineLength = 6;

/** An open byte stream to a radio gateway, as a subclass opened it. */
export interface Transport {
  /** Writes the bytes and waits until they left the process; rejects with the transport's error. */
  write(bytes: Buffer): Promise<void>;
  /** Closes the stream; never rejects. */
  close(): Promise<void>;
}

/** Callbacks a subclass wires to the transport it opens. */
export interface TransportHandlers {
  data: (chunk: Buffer) => void;
  /** The stream ended or failed after it was open; `reason` describes how, in words. */
  closed: (reason: string) => void;
}

/** An open attempt that failed; a permanent failure waits the maximum delay before the next one. */
export class OpenFailure extends Error {
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

/**
 * A RadioLink over a byte stream that a subclass opens. It frames lines, watches for a wrong baud
 * rate and reopens with exponential backoff and jitter. It keeps at most one transport open, because
 * a second open port would split the gateway's bytes between two readers.
 */
export abstract class LineLink implements RadioLink {
  readonly #options: LineLinkOptions;
  protected readonly logger: Logger;
  readonly #events = new EventEmitter();
  readonly #framer: LineFramer;
  readonly #garbage = new GarbageWatch();
  #transport: Transport | null = null;
  /** True from the start of an open attempt until it has a transport or failed. */
  #opening = false;
  #started = false;
  #reopenTimer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #state: LinkState = 'closed';
  #reason: string | null = 'not started';
  #since = new Date();
  #retryInMs: number | null = null;

  protected constructor(options: LineLinkOptions) {
    this.#options = options;
    this.logger = options.logger;
    this.#framer = new LineFramer((line) => this.#onFramedLine(line), {
      ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
      onDiscard: (_reason, bytes) => this.#onGarbage(bytes),
    });
  }

  /** The port as the config names it: a device path or tcp://host:port. */
  protected abstract get portLabel(): string;

  /** Opens the transport and wires `handlers` to it; rejects with an OpenFailure or another error. */
  protected abstract openTransport(handlers: TransportHandlers): Promise<Transport>;

  start(): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    void this.#open();
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#clearReopenTimer();
    const transport = this.#transport;
    this.#transport = null;
    await transport?.close();
    this.#setState('closed', 'stopped', null);
  }

  async writeLine(line: string): Promise<void> {
    const transport = this.#transport;
    if (this.#state !== 'open' || transport === null) {
      throw new GatehouseError('SERIAL_LINK_CLOSED', `Cannot write to the radio gateway on ${this.portLabel}: the link is ${this.#state}. Retry when it is open.`, {
        context: { port: this.portLabel, state: this.#state },
      });
    }
    if (/[\r\n]/.test(line)) {
      throw new GatehouseError('PROTOCOL_COMMAND_INVALID', 'Invalid line for the radio gateway: it contains a line break. Send one command per line.', {
        context: { port: this.portLabel },
      });
    }
    try {
      await transport.write(Buffer.from(`${line}\n`, 'latin1'));
    } catch (error) {
      throw new GatehouseError('SERIAL_WRITE_FAILED', `Writing to the radio gateway on ${this.portLabel} failed: ${messageOf(error)}.`, {
        cause: error,
        context: { port: this.portLabel },
      });
    }
  }

  status(): LinkOwnStatus {
    const counts = this.#framer.counts();
    return {
      state: this.#state,
      port: this.portLabel,
      since: this.#since.toISOString(),
      reason: this.#reason,
      retryInMs: this.#retryInMs,
      linesRead: counts.lines,
      dropped: { ...counts.dropped },
      warning: this.#state === 'open' ? this.#garbage.warning() : null,
    };
  }

  on<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  async #open(): Promise<void> {
    this.#reopenTimer = null;
    if (!this.#started || this.#transport !== null || this.#opening) {
      return;
    }
    this.#opening = true;
    this.#setState('connecting', null, null);

    let transport: Transport;
    let current: Transport | null = null;
    try {
      transport = await this.openTransport({
        data: (chunk) => {
          if (current !== null && this.#transport === current) {
            this.#framer.push(chunk);
          }
        },
        closed: (reason) => {
          if (current !== null && this.#transport === current) {
            this.#transport = null;
            void current.close();
            this.#scheduleReopen('closed', reason);
          }
        },
      });
    } catch (error) {
      this.#opening = false;
      const permanent = error instanceof OpenFailure && error.permanent;
      this.#scheduleReopen(permanent ? 'failed' : 'closed', messageOf(error));
      return;
    }
    this.#opening = false;
    if (!this.#started) {
      // stop() ran while the transport was opening.
      await transport.close();
      return;
    }

    current = transport;
    this.#transport = transport;
    this.#attempt = 0;
    this.#framer.reset();
    this.#setState('open', null, null);
  }

  #scheduleReopen(state: 'closed' | 'failed', reason: string): void {
    if (!this.#started) {
      return;
    }
    const delayMs = nextReopenDelay({
      attempt: this.#attempt,
      initialMs: this.#options.backoffInitialMs ?? 500,
      maxMs: this.#options.backoffMaxMs ?? 30_000,
      permanent: state === 'failed',
      random: this.#options.random ?? Math.random,
    });
    this.#attempt += 1;
    this.#setState(state, reason, delayMs);
    this.#clearReopenTimer();
    this.#reopenTimer = setTimeout(() => void this.#open(), delayMs);
  }

  #clearReopenTimer(): void {
    if (this.#reopenTimer !== null) {
      clearTimeout(this.#reopenTimer);
      this.#reopenTimer = null;
    }
  }

  #setState(state: LinkState, reason: string | null, retryInMs: number | null): void {
    const changed = state !== this.#state || reason !== this.#reason;
    this.#retryInMs = retryInMs;
    if (state !== this.#state) {
      this.#since = new Date();
    }
    this.#state = state;
    this.#reason = reason;

    // A missing port is retried for as long as it is missing, so only changes are logged at info and
    // repeats of the same state and reason at debug.
    const fields = { port: this.portLabel, state, reason, retryInMs };
    if (changed && state === 'failed') {
      this.logger.warn(fields, 'radio link failed');
    } else if (changed) {
      this.logger.info(fields, `radio link ${state}`);
    } else {
      this.logger.debug(fields, `radio link still ${state}`);
    }
    this.#emit('status', this.status());
  }

  #onFramedLine(line: string): void {
    const valid = line.length >= minValidLineLength && (this.#options.isValidLine?.(line) ?? true);
    if (!valid) {
      this.#onGarbage(line.length);
    } else if (this.#garbage.onLine()) {
      this.logger.info({ port: this.portLabel }, 'radio link reads valid lines again');
      this.#emit('status', this.status());
    }
    this.#emit('line', line);
  }

  #onGarbage(bytes: number): void {
    if (this.#garbage.onDiscard(bytes)) {
      this.logger.warn({ port: this.portLabel, dropped: this.#framer.counts().dropped }, 'radio link reads garbage: check the baud rate');
      this.#emit('status', this.status());
    }
  }

  /** Calls the listeners, logging what they throw, so a listener bug cannot break the read loop. */
  #emit<E extends keyof RadioLinkEvents>(event: E, ...args: Parameters<RadioLinkEvents[E]>): void {
    for (const listener of this.#events.listeners(event)) {
      try {
        (listener as (...values: unknown[]) => void)(...args);
      } catch (error) {
        this.logger.error({ err: error, port: this.portLabel, event }, 'radio link listener threw');
      }
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
