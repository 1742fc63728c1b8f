import { userInfo } from 'node:os';
import { type AuditLog, createAuditLog } from '../audit/index.js';
import type { AuditEvent } from '../audit/types.js';
import { createLogger } from '../log/logger.js';

/**
 * Records one change made by a `gatehouse user` or `gatehouse token` command in the audit log with
 * source "cli", and waits until it is on disk, because the process exits right after. The event's user
 * is null (the command runs without a Gatehouse login); the detail names the operating system account.
 */
export async function auditCliChange(dataDir: string, kind: 'userChanged' | 'tokenChanged', detail: NonNullable<AuditEvent['detail']>): Promise<void> {
  // Failures of the audit log go to standard error, so that standard output stays the command's result.
  const logger = createLogger({ level: 'warn', destination: process.stderr }, { process: 'cli' });
  const audit: AuditLog = createAuditLog(dataDir, 'cli', logger);
  audit.record({ kind, user: null, client: null, detail: { ...detail, osUser: osUserName() } });
  await audit.close();
}

function osUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws when the uid has no passwd entry, as in some containers.
    return null;
  }
}
