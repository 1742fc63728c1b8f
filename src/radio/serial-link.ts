import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { LineLink, type LineLinkOptions, OpenFailure, type Transport, type TransportHandlers } from './line-link.js';

export interface SerialLinkOptions extends LineLinkOptions {
  /** Serial device path, such as /dev/ttyAMA0 or /dev/serial/by-id/... */
  path: string;
  baudRate: number;
  /** How often an open port's path is checked for the device it was opened on, in ms. Default 2000. */
  presenceCheckMs?: number;
}

const defaultPresenceCheckMs = 2000;

/**
 * Open errors that retrying soon will not fix: the device exists but this user may not open it, or the
 * path is not a terminal. The link still retries, at the maximum delay, since a udev rule or group
 * change can fix them without a restart. serialport reports them by message only, without an errno code.
 */
const permanentOpenErrors = [/permission denied/i, /operation not permitted/i, /inappropriate ioctl/i, /is a directory/i];

/**
 * A RadioLink over a serial port. Each open attempt resolves the configured path again, because a
 * /dev/serial/by-id/ link points to a new ttyUSB device after the adapter was replugged.
 */
export class SerialLink extends LineLink {
  readonly #path: string;
  readonly #baudRate: number;
  readonly #presenceCheckMs: number;
  #lastDevice: string | null = null;

  constructor(options: SerialLinkOptions) {
    super(options);
    this.#path = options.path;
    this.#baudRate = options.baudRate;
    this.#presenceCheckMs = options.presenceCheckMs ?? defaultPresenceCheckMs;
  }

  protected get portLabel(): string {
    return this.#path;
  }

  protected async openTransport(handlers: TransportHandlers): Promise<Transport> {
    const device = await this.#resolveDevice();
    const port = new SerialPort({ path: device, baudRate: this.#baudRate, autoOpen: false });
    port.on('error', (error) => this.logger.warn({ err: error, port: this.#path, device }, 'serial port error'));
    const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error)));
    if (opened !== null) {
      port.removeAllListeners();
      throw new OpenFailure(opened.message, permanentOpenErrors.some((pattern) => pattern.test(opened.message)));
    }

    // The port's close event is the usual sign of an unplugged adapter, but it was seen to stay away
    // after the device went (a pty whose other end ended). A missing or re-pointed path closes the link too.
    const presence = setInterval(() => {
      realpath(this.#path).then(
        (now) => {
          if (now !== device) {
            handlers.closed(`${this.#path} now points to ${now}`);
          }
        },
        () => handlers.closed(`${this.#path} disappeared`),
      );
    }, this.#presenceCheckMs);
    presence.unref();

    port.on('data', (chunk: Buffer) => handlers.data(chunk));
    port.on('close', (error: Error | null) => {
      clearInterval(presence);
      handlers.closed(error === null ? 'the port was closed' : `the port was disconnected: ${error.message}`);
    });
    return {
      write: async (bytes) => {
        await new Promise<void>((resolve, reject) => port.write(bytes, (error) => (error ? reject(error) : resolve())));
        await new Promise<void>((resolve, reject) => port.drain((error) => (error ? reject(error) : resolve())));
      },
      close: async () => {
        clearInterval(presence);
        port.removeAllListeners('data');
        port.removeAllListeners('close');
        if (port.isOpen) {
          await new Promise<void>((resolve) => port.close(() => resolve()));
        }
        port.removeAllListeners();
        // A close error after this point has nowhere to go, so it is ignored.
        port.on('error', () => undefined);
      },
    };
  }

  /** Follows symlinks such as /dev/serial/by-id/... to the device they point to now. */
  async #resolveDevice(): Promise<string> {
    let device: string;
    try {
      device = await realpath(this.#path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const text = code === 'ENOENT' ? 'No such file or directory' : ((error as Error).message ?? String(error));
      throw new OpenFailure(`${text}: ${this.#path}`, false);
    }
    if (device !== this.#lastDevice) {
      this.#lastDevice = device;
      this.logger.info({ port: this.#path, device }, 'radio port resolved to a device');
    }
    return device;
  }
}
