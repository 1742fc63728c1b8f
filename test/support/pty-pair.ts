import { setTimeout as delay } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { type PtyPair as SocatPair, startPtyPair } from '../../src/radio/simulator/pty-pair.js';

/**
 * A socat pseudo-terminal pair standing in for a radio gateway on a serial port: the hub opens
 * `devicePath`, the test reads and writes the other end through `peer`.
 */
export class PtyPair {
  readonly devicePath: string;
  readonly peerPath: string;
  #socat: SocatPair | null = null;
  #peer: SerialPort | null = null;
  #received = '';

  constructor(devicePath: string) {
    this.devicePath = devicePath;
    this.peerPath = `${devicePath}-peer`;
  }

  /** Start socat and open the peer end. */
  async start(): Promise<void> {
    this.#socat = await startPtyPair(this.devicePath, this.peerPath);
    const peer = new SerialPort({ path: this.peerPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => peer.open((error) => (error ? reject(error) : resolve())));
    peer.on('data', (chunk: Buffer) => {
      this.#received += chunk.toString('latin1');
    });
    peer.on('error', () => undefined);
    this.#peer = peer;
  }

  /** Kill socat, which removes both device links: to the hub this looks like an unplugged adapter. */
  async stop(): Promise<void> {
    const peer = this.#peer;
    this.#peer = null;
    if (peer?.isOpen === true) {
      await new Promise<void>((resolve) => peer.close(() => resolve()));
    }
    await this.#socat?.stop();
    this.#socat = null;
  }

  /** Write raw text to the hub's side; the caller adds line terminators. */
  async write(text: string | Buffer): Promise<void> {
    const peer = this.#peer;
    if (peer === null) {
      throw new Error('pty pair not started');
    }
    await new Promise<void>((resolve, reject) => peer.write(text, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve) => peer.drain(() => resolve()));
  }

  /** Everything the hub wrote so far. */
  get received(): string {
    return this.#received;
  }

  /** Wait until the hub has written a line equal to `line`. */
  async waitForLine(line: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#received.split(/\r?\n/).includes(line)) {
      if (Date.now() > deadline) {
        throw new Error(`the hub did not write "${line}" within ${timeoutMs} ms; got ${JSON.stringify(this.#received)}`);
      }
      await delay(20);
    }
  }
}
