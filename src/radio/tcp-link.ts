import { Socket } from 'node:net';
import { LineLink, type LineLinkOptions, OpenFailure, type Transport, type TransportHandlers } from './line-link.js';

export interface TcpLinkOptions extends LineLinkOptions {
  host: string;
  port: number;
  /** Milliseconds a connection attempt may take. Default 5000. */
  connectTimeoutMs?: number;
}

/**
 * A RadioLink over TCP, for ser2net in raw mode or a MySensors ethernet gateway: the same lines as on a
 * serial port, the same framer, backoff and status.
 */
export class TcpLink extends LineLink {
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;

  constructor(options: TcpLinkOptions) {
    super(options);
    this.#host = options.host;
    this.#port = options.port;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  protected get portLabel(): string {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `tcp://${host}:${this.#port}`;
  }

  protected async openTransport(handlers: TransportHandlers): Promise<Transport> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OpenFailure(`connecting to ${this.portLabel} timed out after ${this.#connectTimeoutMs} ms`, false));
      }, this.#connectTimeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new OpenFailure(error.message, false));
      });
      socket.connect({ host: this.#host, port: this.#port }, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve();
      });
    });

    // Keepalive probes notice a gateway that lost power without closing the connection.
    socket.setKeepAlive(true, 10_000);
    socket.setNoDelay(true);
    let closeReason: string | null = null;
    socket.on('data', (chunk: Buffer) => handlers.data(chunk));
    socket.on('error', (error) => {
      closeReason = `the connection failed: ${error.message}`;
      this.logger.warn({ err: error, port: this.portLabel }, 'radio connection error');
    });
    socket.on('close', () => handlers.closed(closeReason ?? 'the peer closed the connection'));
    return {
      write: (bytes) =>
        new Promise<void>((resolve, reject) => {
          socket.write(bytes, (error) => (error ? reject(error) : resolve()));
        }),
      close: async () => {
        socket.removeAllListeners('data');
        socket.removeAllListeners('close');
        if (!socket.destroyed) {
          const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
          socket.destroy();
          await closed;
        }
        socket.on('error', () => undefined);
      },
    };
  }
}
