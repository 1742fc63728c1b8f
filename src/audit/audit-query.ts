import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { auditFileNamePattern, auditFolderPath } from './audit-files.js';
import { auditEventSchema } from './event-schema.js';
import type { AuditEvent, AuditEventKind } from './types.js';

/** Largest number of events one query returns. */
export const maxAuditQueryLimit = 1000;

export interface AuditQuery {
  /** Earliest event time to include (inclusive). */
  from?: Date;
  /** Latest event time to include (inclusive). */
  to?: Date;
  user?: string;
  kind?: AuditEventKind;
  /** Number of events to return, 1 to maxAuditQueryLimit. */
  limit: number;
}

/**
 * Reads the audit files of every source (front, hub, cli), current and rotated, and returns the
 * newest `limit` events that match, newest first. Lines that are not valid audit events are skipped.
 * Files are streamed line by line and at most 2 × limit matches are held at once, so memory stays
 * bounded. The time spent still grows with the total size of the files, at most 60 MiB by default.
 */
export async function queryAudit(dataDir: string, query: AuditQuery): Promise<AuditEvent[]> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > maxAuditQueryLimit) {
    throw new RangeError(`limit must be a whole number from 1 to ${maxAuditQueryLimit}, not ${query.limit}`);
  }
  const folder = auditFolderPath(dataDir);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }

  let matches: Array<{ event: AuditEvent; time: number }> = [];
  const keepNewest = (): void => {
    matches.sort((a, b) => b.time - a.time);
    matches = matches.slice(0, query.limit);
  };
  for (const name of names.filter((entry) => auditFileNamePattern.test(entry))) {
    const file = path.join(folder, name);
    // A file's last append happened at its modification time, so an older file has no event after `from`.
    if (query.from !== undefined && (await modifiedAt(file)) < query.from.getTime()) {
      continue;
    }
    for await (const event of readEvents(file)) {
      const time = Date.parse(event.time);
      if (matchesQuery(event, time, query)) {
        matches.push({ event, time });
        if (matches.length >= 2 * query.limit) {
          keepNewest();
        }
      }
    }
  }
  keepNewest();
  return matches.map((match) => match.event);
}

function matchesQuery(event: AuditEvent, time: number, query: AuditQuery): boolean {
  if (query.from !== undefined && time < query.from.getTime()) {
    return false;
  }
  if (query.to !== undefined && time > query.to.getTime()) {
    return false;
  }
  if (query.user !== undefined && event.user !== query.user) {
    return false;
  }
  return query.kind === undefined || event.kind === query.kind;
}

async function* readEvents(file: string): AsyncGenerator<AuditEvent> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const event = parseLine(line);
      if (event !== null) {
        yield event;
      }
    }
  } catch (error) {
    // A file rotated away between readdir and open has simply moved on; the next query reads it under its new name.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

function parseLine(line: string): AuditEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = auditEventSchema.safeParse(value);
  if (!parsed.success) {
    return null;
  }
  const { detail, ...rest } = parsed.data;
  return detail === undefined ? rest : { ...rest, detail };
}

/** Modification time in milliseconds, or -Infinity for a file that rotation moved away since readdir. */
async function modifiedAt(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return Number.NEGATIVE_INFINITY;
    }
    throw error;
  }
}
