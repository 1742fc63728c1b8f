import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import type { Logger } from '../log/logger.js';
import { auditFilePath, auditFolderPath } from './audit-files.js';
import type { AuditEvent, AuditRecorder } from './types.js';

/**
 * Default size at which the current file is rotated, and how many rotated files are kept. With three
 * sources that is at most 3 × 4 × 5 MiB = 60 MiB on disk, so the audit log cannot fill an SD card.
 */
export const defaultMaxFileBytes = 5 * 1024 * 1024;
export const defaultKeepFiles = 3;

/** Events kept in memory while a write is slow or failing; more are dropped and counted. */
const defaultMaxPendingEvents = 10_000;

/** Maximum length of a string in an event detail, so one record cannot grow a file without bound. */
const maxDetailValueLength = 256;

/** Detail keys that could name a credential; such a key is dropped, whatever its value. */
const credentialKeyPattern = /pass(word)?|secret|authorization|cookie|^token$|hash/i;

export interface AuditLogOptions {
  maxFileBytes?: number;
  keepFiles?: number;
  maxPendingEvents?: number;
  now?: () => Date;
}

export interface AuditLogStats {
  /** Events appended to the file. */
  written: number;
  /** Events lost because the queue was full, a write failed or the log was closed. */
  dropped: number;
  /** Append calls made; a burst recorded within one event loop turn takes one. */
  writes: number;
  rotations: number;
}

export interface AuditLog extends AuditRecorder {
  /** Resolves once every event recorded so far has been written or dropped. */
  flush(): Promise<void>;
  /** Flushes, then drops any later event. */
  close(): Promise<void>;
  stats(): AuditLogStats;
}

/**
 * Creates the audit recorder of one process: events become JSON lines appended to
 * `<dataDir>/audit/<source>.jsonl` (folder 0700, files 0600). record() only queues the line; the
 * lines queued within one event loop turn go to disk in one asynchronous append. The file is rotated
 * before an append would take it past `maxFileBytes`. record() does not throw, because write failures
 * are logged and the events dropped and counted.
 */
export function createAuditLog(dataDir: string, source: AuditEvent['source'], logger: Logger, options: AuditLogOptions = {}): AuditLog {
  const log = logger.child({ component: 'audit' });
  const file = auditFilePath(dataDir, source);
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const keepFiles = options.keepFiles ?? defaultKeepFiles;
  const maxPending = options.maxPendingEvents ?? defaultMaxPendingEvents;
  const now = options.now ?? ((): Date => new Date());
  if (!Number.isInteger(keepFiles) || keepFiles < 1 || keepFiles > 9) {
    throw new RangeError(`keepFiles must be a whole number from 1 to 9, not ${keepFiles}`);
  }
  const stats: AuditLogStats = { written: 0, dropped: 0, writes: 0, rotations: 0 };

  let pending: string[] = [];
  let draining: Promise<void> | null = null;
  let scheduled = false;
  let closed = false;
  let folderReady = false;
  let fileBytes: number | null = null;
  // Set after a failure is logged, so a broken disk gives one error line per outage, not one per write.
  let failing = false;

  function drop(count: number, reason: string): void {
    stats.dropped += count;
    if (!failing) {
      failing = true;
      log.error({ file, dropped: stats.dropped }, `audit events dropped: ${reason}`);
    }
  }

  async function append(text: string, count: number): Promise<void> {
    if (!folderReady) {
      await mkdir(auditFolderPath(dataDir), { recursive: true, mode: 0o700 });
      folderReady = true;
    }
    fileBytes ??= await sizeOf(file);
    const bytes = Buffer.byteLength(text);
    if (fileBytes > 0 && fileBytes + bytes > maxFileBytes) {
      await rotate(file, keepFiles);
      stats.rotations += 1;
      fileBytes = 0;
    }
    stats.writes += 1;
    await appendFile(file, text, { encoding: 'utf8', mode: 0o600, flag: 'a' });
    fileBytes += bytes;
    stats.written += count;
  }

  async function drain(): Promise<void> {
    scheduled = false;
    // Each pass takes everything queued so far; the loop ends once no record() came in meanwhile.
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await append(batch.join(''), batch.length);
        if (failing) {
          failing = false;
          log.info({ file }, 'audit log writable again');
        }
      } catch (error) {
        fileBytes = null;
        if (!failing) {
          log.error({ file, err: error }, 'cannot append to the audit log');
        }
        drop(batch.length, 'the audit file cannot be written');
      }
    }
  }

  function startDrain(): Promise<void> {
    scheduled = false;
    const run = drain().finally(() => {
      draining = null;
      if (pending.length > 0) {
        schedule();
      }
    });
    draining = run;
    return run;
  }

  function schedule(): void {
    if (scheduled || draining !== null) {
      return;
    }
    scheduled = true;
    setImmediate(() => {
      // flush() may have started the drain meanwhile; it then clears `scheduled`.
      if (scheduled && draining === null) {
        void startDrain();
      }
    });
  }

  async function flush(): Promise<void> {
    // Bounded: each pass writes what was queued before it. A caller that records without pause
    // while flushing gets its later events written by the scheduled drain instead.
    for (let pass = 0; pass < 100; pass += 1) {
      if (draining !== null) {
        await draining;
      } else if (pending.length > 0) {
        await startDrain();
      } else {
        return;
      }
    }
  }

  return {
    record(event) {
      if (closed) {
        stats.dropped += 1;
        log.warn({ kind: event.kind }, 'audit event recorded after the audit log was closed; dropped');
        return;
      }
      if (pending.length >= maxPending) {
        drop(1, `more than ${maxPending} events wait for a slow or failing disk`);
        return;
      }
      const stored: AuditEvent = {
        time: event.time ?? now().toISOString(),
        kind: event.kind,
        user: event.user,
        client: event.client,
        source,
        ...(event.detail === undefined ? {} : { detail: cleanDetail(event.detail) }),
      };
      pending.push(`${JSON.stringify(stored)}\n`);
      schedule();
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
    stats: () => ({ ...stats }),
  };
}

function cleanDetail(detail: NonNullable<AuditEvent['detail']>): NonNullable<AuditEvent['detail']> {
  const cleaned: NonNullable<AuditEvent['detail']> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (credentialKeyPattern.test(key)) {
      continue;
    }
    cleaned[key] = typeof value === 'string' && value.length > maxDetailValueLength ? `${value.slice(0, maxDetailValueLength)}…` : value;
  }
  return cleaned;
}

/** Renames `file.(n-1)` to `file.n`, and so on down to `file` to `file.1`; the rename overwrites the oldest copy. */
async function rotate(file: string, keepFiles: number): Promise<void> {
  for (let index = keepFiles - 1; index >= 1; index -= 1) {
    await renameIfExists(`${file}.${index}`, `${file}.${index + 1}`);
  }
  await renameIfExists(file, `${file}.1`);
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 0;
    }
    throw error;
  }
}
