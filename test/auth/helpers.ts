import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { type Logger, createLogger } from '../../src/log/logger.js';

/** Creates a temporary directory that is removed when the test file ends. */
export async function makeTempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'gatehouse-auth-'));
  after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Creates a real pino logger that parses each JSON line it writes into `records`. */
export function captureLogs(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') {
          records.push(JSON.parse(line) as LogRecord);
        }
      }
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), records };
}

/** bcrypt cost for hashes that tests make, low so that the tests stay fast. */
export const testCost = 4;
