import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { LinkState } from '../protocol/index.js';
import { LineFramer } from './framer.js';
import type { LinkOwnStatus, RadioLink, RadioLinkEvents } from './link.js';
import { nextReopenDelay } from './reopen-delay.js';

export interface SerialLinkOptions {
  /** Serial device path, such as /dev/ttyAMA0 or /dev/serial/by-id/... */
  path: string;
  baudRate: number;
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
}

/**
 * Open errors that retrying soon will not fix: the device exists but this user may not open it, or the
 * path is not a terminal. The link still retries, at the maximum delay, since a udev rule or group
 * change can fix them without a restart. serialport reports them by message only, without an errno code.
 */
const permanentOpenErrors = [/permission denied/i, /operation not permitted/i, /inappropriate ioctl/i, /is a directory/i];

/**
 * A RadioLink over a serial port. It opens the port on start(), reopens it with exponential backoff
 * and jitter after it closes or fails to open, and keeps at most one SerialPort object alive.
 */
export class SerialLink implements RadioLink {
  readonly #options: SerialLinkOptions;
  readonly #logger: Logger;
  readonly #events = new EventEmitter();
  readonly #framer: LineFramer;
  #port: SerialPort | null = null;
  #started = false;
  #reopenTimer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #state: LinkState = 'closed';
  #reason: string | null = 'not started';
  #since = new Date();
  #retryInMs: number | null = null;

  constructor(options: SerialLinkOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#framer = new LineFramer((line) => this.#emitLine(line), options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength });
  }

  start(): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    this.#open();
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#clearReopenTimer();
    const port = this.#port;
    this.#port = null;
    if (port !== null) {
      port.removeAllListeners('data');
      port.removeAllListeners('close');
      if (port.isOpen) {
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
      port.removeAllListeners();
      // A close error after stop() has nowhere to go, so it is ignored.
      port.on('error', () => undefined);
    }
    this.#setState('closed', 'stopped', null);
  }

  async writeLine(line: string): Promise<void> {
    const port = this.#port;
    if (this.#state !== 'open' || port === null) {
      throw new GatehouseError('SERIAL_LINK_CLOSED', `Cannot write to the radio gateway on ${this.#options.path}: the link is ${this.#state}. Retry when it is open.`, {
        context: { port: this.#options.path, state: this.#state },
      });
    }
    if (/[\r\n]/.test(line)) {
      throw new GatehouseError('PROTOCOL_COMMAND_INVALID', 'Invalid line for the radio gateway: it contains a line break. Send one command per line.', {
        context: { port: this.#options.path },
      });
    }

    try {
      await new Promise<void>((resolve, reject) => {
        port.write(`${line}\n`, 'latin1', (error) => (error ? reject(error) : resolve()));
      });
      await new Promise<void>((resolve, reject) => port.drain((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw new GatehouseError('SERIAL_WRITE_FAILED', `Writing to the radio gateway on ${this.#options.path} failed: ${messageOf(error)}.`, {
        cause: error,
        context: { port: this.#options.path },
      });
    }
  }

  status(): LinkOwnStatus {
    const counts = this.#framer.counts();
    return {
      state: this.#state,
      port: this.#options.path,
      since: this.#since.toISOString(),
      reason: this.#reason,
      retryInMs: this.#retryInMs,
      linesRead: counts.lines,
      dropped: { ...counts.dropped },
      warning: null,
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

  #open(): void {
    this.#reopenTimer = null;
    if (!this.#started || this.#port !== null) {
      return;
    }
    this.#setState('connecting', null, null);

    const port = new SerialPort({ path: this.#options.path, baudRate: this.#options.baudRate, autoOpen: false });
    this.#port = port;
    port.on('error', (error) => {
      this.#logger.warn({ err: error, port: this.#options.path }, 'serial port error');
    });
    port.open((error) => {
      if (this.#port !== port) {
        // stop() ran while the port was opening, so the port is closed again here.
        if (!error) {
          port.close(() => port.removeAllListeners());
        }
        return;
      }
      if (error) {
        this.#port = null;
        port.removeAllListeners();
        const permanent = permanentOpenErrors.some((pattern) => pattern.test(error.message));
        this.#scheduleReopen(permanent ? 'failed' : 'closed', error.message);
        return;
      }

      this.#attempt = 0;
      this.#framer.reset();
      port.on('data', (chunk: Buffer) => this.#framer.push(chunk));
      port.on('close', (closeError: Error | null) => this.#onClose(port, closeError));
      this.#setState('open', null, null);
    });
  }

  #onClose(port: SerialPort, error: Error | null): void {
    if (this.#port !== port) {
      return;
    }
    this.#port = null;
    port.removeAllListeners();
    port.on('error', () => undefined);
    const reason = error === null ? 'the port was closed' : `the port was disconnected: ${error.message}`;
    this.#scheduleReopen('closed', reason);
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
    this.#reopenTimer = setTimeout(() => this.#open(), delayMs);
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
    const fields = { port: this.#options.path, state, reason, retryInMs };
    if (changed && state === 'failed') {
      this.#logger.warn(fields, 'radio link failed');
    } else if (changed) {
      this.#logger.info(fields, `radio link ${state}`);
    } else {
      this.#logger.debug(fields, `radio link still ${state}`);
    }
    this.#emit('status', this.status());
  }

  #emitLine(line: string): void {
    this.#emit('line', line);
  }

  /** Calls the listeners, logging what they throw, so a listener bug cannot break the read loop. */
  #emit<E extends keyof RadioLinkEvents>(event: E, ...args: Parameters<RadioLinkEvents[E]>): void {
    for (const listener of this.#events.listeners(event)) {
      try {
        (listener as (...values: unknown[]) => void)(...args);
      } catch (error) {
        this.#logger.error({ err: error, port: this.#options.path, event }, 'radio link listener threw');
      }
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
