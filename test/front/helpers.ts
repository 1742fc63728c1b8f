import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import { createLogger, type Logger } from '../../src/log/logger.js';

/** Create a logger that keeps every line as a parsed object, so tests can assert on what was logged. */
export function createCapturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim() !== '') {
          lines.push(JSON.parse(text) as Record<string, unknown>);
        }
      }
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Create a temporary folder and return it with a function that removes it. */
export async function createTemporaryFolder(): Promise<{ folder: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-front-'));
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** Return a loopback port that nothing listens on: bind port 0, note the port, close again. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
