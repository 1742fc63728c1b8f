import type { Logger } from '../log/logger.js';
import { defaultBcryptCost } from './bcrypt-hash.js';
import type { FileIssue } from './file-issue.js';
import { bcryptCostOf } from './hash-kind.js';
import { type HtpasswdEntry, parseHtpasswd } from './htpasswd-file.js';

/** The users file as the verifier and the role resolver use it. */
export interface UsersTable {
  users: ReadonlyMap<string, HtpasswdEntry>;
  /** The bcrypt cost most users' hashes have; checks for unknown names use a dummy hash of this cost. */
  typicalCost: number;
}

/** Most issues logged one by one per load; the rest are only counted, so a garbage file cannot flood the log. */
const maxLoggedIssues = 20;

/** Parses the users file text (null when the file is missing) and logs what is wrong with it. */
export function loadUsersTable(text: string | null, file: string, logger: Logger | undefined): UsersTable {
  if (text === null) {
    logger?.warn({ file }, 'users file not found, so no user can log in; add one with "gatehouse user add"');
    return { users: new Map(), typicalCost: defaultBcryptCost };
  }
  const parsed = parseHtpasswd(text, file);
  logIssues(parsed.issues, logger);
  logger?.info({ file, users: parsed.users.size, issues: parsed.issues.length }, 'users file loaded');
  return { users: parsed.users, typicalCost: typicalCostOf(parsed.users.values()) };
}

/** Returns the table to use when the users file exists but cannot be read: no users, so every login fails. */
export function unreadableUsersTable(error: unknown, file: string, logger: Logger | undefined): UsersTable {
  logger?.error({ file, err: error }, 'cannot read users file, so no user can log in until it is readable');
  return { users: new Map(), typicalCost: defaultBcryptCost };
}

export function logIssues(issues: readonly FileIssue[], logger: Logger | undefined): void {
  for (const issue of issues.slice(0, maxLoggedIssues)) {
    logger?.warn({ file: issue.file, line: issue.line }, issue.message);
  }
  if (issues.length > maxLoggedIssues) {
    logger?.warn({ file: issues[0]?.file, more: issues.length - maxLoggedIssues }, 'more problems in this file were not logged');
  }
}

function typicalCostOf(entries: Iterable<HtpasswdEntry>): number {
  const counts = new Map<number, number>();
  for (const entry of entries) {
    if (entry.hashKind === 'bcrypt') {
      const cost = bcryptCostOf(entry.hash);
      counts.set(cost, (counts.get(cost) ?? 0) + 1);
    }
  }
  let typical = defaultBcryptCost;
  let typicalCount = 0;
  for (const [cost, count] of counts) {
    if (count > typicalCount) {
      typical = cost;
      typicalCount = count;
    }
  }
  return typical;
}
