import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { createLogger, type Logger } from '../../src/log/logger.js';

/** Polls `check` every 10 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(10);
  }
}

export async function createTemporaryFolder(): Promise<{ folder: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-radio-'));
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** Creates a logger that keeps every JSON line it writes, for asserting on log lines. */
export function createCapturingLogger(): { logger: Logger; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** One end of a pseudo-terminal pair opened with serialport, collecting what it reads. */
export class PeerPort {
  readonly #port: SerialPort;
  #received = '';

  private constructor(port: SerialPort) {
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      this.#received += chunk.toString('latin1');
    });
    port.on('error', () => undefined);
  }

  static async open(portPath: string): Promise<PeerPort> {
    const port = new SerialPort({ path: portPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new PeerPort(port);
  }

  get received(): string {
    return this.#received;
  }

  /** Complete lines read so far, without terminators. */
  lines(): string[] {
    return this.#received.split('\n').slice(0, -1).map((line) => line.replace(/\r$/, ''));
  }

  async write(data: string | Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#port.write(data, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => this.#port.drain((error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    if (this.#port.isOpen) {
      await new Promise<void>((resolve) => this.#port.close(() => resolve()));
    }
  }
}
