import type { Dirent } from 'node:fs';
import { lstat, readdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import { auditFolderPath } from '../audit/index.js';
import type { LinkStatus, Node } from '../protocol/index.js';
import type { CommandCounts } from './commands.js';
import type { HistoryStatus } from './history-service.js';

/** The live figures of a running hub that /api/health and /api/metrics report. Each is read per request. */
export interface StatusSources {
  linkStatuses: () => LinkStatus[];
  nodes: () => Node[];
  websocketClients: () => number;
  invalidClientMessages: () => number;
  commandCounts: () => CommandCounts;
  startedAt: Date;
  dataDir: string;
  now: () => Date;
  /** The history writer's figures; absent in hubs built without history. */
  history?: () => HistoryStatus;
}

/**
 * Free space in the data directory below which the hub reports `degraded`. The audit log alone may
 * grow to 60 MiB, and the users, roles and tokens files are replaced by writing a new copy, so less
 * than this leaves little room before writes start to fail.
 */
export const minFreeBytes = 100 * 1024 * 1024;

export interface StorageFigures {
  /** Bytes free for unprivileged users on the data directory's file system; null when statfs failed. */
  dataDirFreeBytes: number | null;
  /** Total size of the regular files in `<dataDir>/audit`; 0 when the folder does not exist yet, null when it cannot be read. */
  auditBytes: number | null;
  /** Descriptions of the figures that could not be read. */
  problems: string[];
}

/** The body of GET /api/health. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  /** Causes of a degraded status; empty when the status is ok. */
  reasons: string[];
  uptimeSeconds: number;
  links: LinkStatus[];
  nodes: number;
  websocketClients: number;
  invalidClientMessages: number;
  commands: CommandCounts;
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
  storage: { dataDirFreeBytes: number | null; auditBytes: number | null };
  /** Reading history: `written` counts readings committed to disk, which a crash no longer loses. */
  history: HistoryStatus | null;
}

/** Gather the health report; the file system figures are read asynchronously on each call. */
export async function buildHealthReport(sources: StatusSources): Promise<HealthReport> {
  const links = sources.linkStatuses();
  const storage = await readStorageFigures(sources.dataDir);
  const history = sources.history?.() ?? null;
  const reasons = [...healthProblems(links, storage), ...(history?.problems ?? [])];
  const memory = process.memoryUsage();
  return {
    status: reasons.length === 0 ? 'ok' : 'degraded',
    reasons,
    uptimeSeconds: Math.round((sources.now().getTime() - sources.startedAt.getTime()) / 1000),
    links,
    nodes: sources.nodes().length,
    websocketClients: sources.websocketClients(),
    invalidClientMessages: sources.invalidClientMessages(),
    commands: sources.commandCounts(),
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
    storage: { dataDirFreeBytes: storage.dataDirFreeBytes, auditBytes: storage.auditBytes },
    history,
  };
}

/** List what makes the hub degraded: a link that is not open, low or unknown free space, an unreadable audit folder. */
export function healthProblems(links: readonly LinkStatus[], storage: StorageFigures): string[] {
  const problems: string[] = [];
  for (const link of links) {
    if (link.state !== 'open') {
      problems.push(`radio link ${link.gateway} (${link.port}) is ${link.state}${link.reason === null ? '' : `: ${link.reason}`}`);
    }
  }
  if (storage.dataDirFreeBytes !== null && storage.dataDirFreeBytes < minFreeBytes) {
    problems.push(`the data directory has ${toMebibytes(storage.dataDirFreeBytes)} MiB free, less than ${toMebibytes(minFreeBytes)} MiB`);
  }
  problems.push(...storage.problems);
  return problems;
}

/** Read the free space of `dataDir` and the size of its audit folder. Never rejects. */
export async function readStorageFigures(dataDir: string): Promise<StorageFigures> {
  const problems: string[] = [];
  let dataDirFreeBytes: number | null = null;
  try {
    const fileSystem = await statfs(dataDir);
    dataDirFreeBytes = fileSystem.bavail * fileSystem.bsize;
  } catch (error) {
    problems.push(`the free space of the data directory could not be read: ${errorCodeOf(error)}`);
  }

  let auditBytes: number | null = null;
  try {
    auditBytes = await folderFileBytes(auditFolderPath(dataDir));
  } catch (error) {
    problems.push(`the size of the audit folder could not be read: ${errorCodeOf(error)}`);
  }
  return { dataDirFreeBytes, auditBytes, problems };
}

/** Sum the sizes of the regular files directly in `folder`, without following symlinks; 0 when it is missing. */
async function folderFileBytes(folder: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') {
      return 0;
    }
    throw error;
  }

  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile()) {
      continue;
    }
    try {
      total += (await lstat(path.join(folder, entry.name))).size;
    } catch (error) {
      // A rotation can rename or remove a file between readdir and lstat.
      if (errorCodeOf(error) !== 'ENOENT') {
        throw error;
      }
    }
  }
  return total;
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(error);
}

function toMebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
