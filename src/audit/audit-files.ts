import path from 'node:path';
import type { AuditEvent } from './types.js';

/** Folder inside the data directory that contains the audit files. */
export const auditFolderName = 'audit';

export function auditFolderPath(dataDir: string): string {
  return path.join(dataDir, auditFolderName);
}

/** Returns the file a source appends to. Rotated copies add `.1` (newest) to `.N` (oldest). */
export function auditFilePath(dataDir: string, source: AuditEvent['source']): string {
  return path.join(auditFolderPath(dataDir), `${source}.jsonl`);
}

/** Matches the current and rotated audit files of every source. */
export const auditFileNamePattern = /^(front|hub|cli)\.jsonl(\.[1-9])?$/;
