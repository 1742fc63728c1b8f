import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { RunningProcess } from '../../test/support/processes.js';

/** How long write() retries a pty whose buffer is full before it gives up. */
const fullBufferRetryMs = 100;

/**
 * A socat pseudo-terminal pair standing in for the radio gateway: the hub opens `devicePath`, the
 * benchmark writes lines into `peerPath`. Writes are synchronous `write(2)` calls on a non-blocking
 * descriptor, so the time taken just before a write is the time the line entered the pty, with no
 * thread-pool hop in between as with the serialport package.
 */
export class RadioPty {
  readonly devicePath: string;
  readonly peerPath: string;
  #socat: RunningProcess | null = null;
  #fd: number | null = null;

  constructor(devicePath: string) {
    this.devicePath = devicePath;
    this.peerPath = `${devicePath}-peer`;
  }

  /** Process id of socat for CPU sampling, or null before start(). */
  get socatPid(): number | null {
    return this.#socat?.child.pid ?? null;
  }

  async start(): Promise<void> {
    this.#socat = new RunningProcess('socat', [`pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.peerPath}`]);
    await waitForPath(this.devicePath);
    await waitForPath(this.peerPath);
    // O_NOCTTY keeps the pty from becoming the controlling terminal of the benchmark process.
    this.#fd = openSync(this.peerPath, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  }

  /**
   * Write `text` completely. A full pty buffer (EAGAIN) means the hub is not reading, so the write
   * is retried every millisecond for up to 100 ms and then fails.
   */
  async write(text: string): Promise<void> {
    const fd = this.#fd;
    if (fd === null) {
      throw new Error('radio pty not started: call start() first');
    }
    let bytes = Buffer.from(text, 'latin1');
    const deadline = performance.now() + fullBufferRetryMs;
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(fd, bytes));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || performance.now() > deadline) {
          throw error;
        }
        await delay(1);
      }
    }
  }

  /** Close the peer and kill socat, which removes both device links. */
  async stop(): Promise<void> {
    if (this.#fd !== null) {
      closeSync(this.#fd);
      this.#fd = null;
    }
    await this.#socat?.stop();
    this.#socat = null;
  }
}

async function waitForPath(file: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await access(file);
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`${file} did not appear within ${timeoutMs} ms: is socat installed?`);
      }
      await delay(20);
    }
  }
}
