import type { FileIssue } from './file-issue.js';
import { type HashKind, classifyHash, describeUnsupportedHash } from './hash-kind.js';
import { findUserNameProblem } from './user-rules.js';

/** One `name:hash` line of an Apache htpasswd file. */
export interface HtpasswdEntry {
  name: string;
  hash: string;
  hashKind: HashKind;
  /** 1-based line number. */
  line: number;
}

/** A line as read, kept so that a rewrite leaves comments and lines it cannot parse unchanged. */
export interface HtpasswdLine {
  raw: string;
  /** The parsed entry, or null for blank, comment and malformed lines. */
  entry: HtpasswdEntry | null;
}

export interface HtpasswdFile {
  lines: HtpasswdLine[];
  /** The entry of each user name; a name listed twice maps to its first line, as in Apache. */
  users: ReadonlyMap<string, HtpasswdEntry>;
  issues: FileIssue[];
}

/**
 * Parses the text of an htpasswd file. Never throws: each malformed line, duplicate name and hash
 * that Gatehouse does not verify becomes an issue naming its line, and the rest of the file still loads.
 * `file` only names the file in the issues.
 */
export function parseHtpasswd(text: string, file: string): HtpasswdFile {
  const lines: HtpasswdLine[] = [];
  const users = new Map<string, HtpasswdEntry>();
  const issues: FileIssue[] = [];
  const rawLines = splitLines(text);

  rawLines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const report = (message: string): void => {
      issues.push({ file, line: lineNumber, message });
    };
    // Apache's line reader drops trailing whitespace, including a CR from a file saved on Windows.
    const content = raw.trimEnd();
    if (content === '' || content.startsWith('#')) {
      lines.push({ raw, entry: null });
      return;
    }

    const colon = content.indexOf(':');
    if (colon < 0) {
      report('expected "name:hash" but the line has no ":"; the line is skipped');
      lines.push({ raw, entry: null });
      return;
    }
    const name = content.slice(0, colon);
    const nameProblem = findUserNameProblem(name);
    if (nameProblem !== null) {
      report(`${nameProblem}; the line is skipped`);
      lines.push({ raw, entry: null });
      return;
    }
    // Apache reads the hash up to the next ':' and ignores any further fields.
    const hash = content.slice(colon + 1).split(':')[0] ?? '';
    if (hash === '') {
      report(`user ${JSON.stringify(name)} has an empty hash; the line is skipped`);
      lines.push({ raw, entry: null });
      return;
    }

    const entry: HtpasswdEntry = { name, hash, hashKind: classifyHash(hash), line: lineNumber };
    lines.push({ raw, entry });
    const first = users.get(name);
    if (first !== undefined) {
      report(`user ${JSON.stringify(name)} is also on line ${first.line}; only the first line is used`);
      return;
    }
    users.set(name, entry);
    if (entry.hashKind !== 'bcrypt') {
      report(
        `user ${JSON.stringify(name)} has ${describeUnsupportedHash(entry.hashKind)}, which Gatehouse does not verify, ` +
          'so this user cannot log in; re-create the password with "htpasswd -B" or "gatehouse user passwd"',
      );
    }
  });

  return { lines, users, issues };
}

/** Joins lines back into file text with a final newline; an empty list gives an empty file. */
export function serializeLines(lines: readonly { raw: string }[]): string {
  return lines.length === 0 ? '' : `${lines.map((line) => line.raw).join('\n')}\n`;
}

/** Splits file text into lines, without the empty string that a final newline would add. */
export function splitLines(text: string): string[] {
  if (text === '') {
    return [];
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') {
    lines.pop();
  }
  return lines;
}
