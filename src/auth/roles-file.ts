import type { Role } from '../protocol/index.js';
import type { FileIssue } from './file-issue.js';
import { splitLines } from './htpasswd-file.js';
import { findUserNameProblem } from './user-rules.js';

/** Roles from least to most privileged; a user in several role groups gets the last one of these. */
export const rolesByPrivilege: readonly Role[] = ['viewer', 'operator', 'admin'];

/** The role of a user whom no role group lists: the least privileged one. */
export const defaultRole: Role = 'viewer';

export function isRole(value: string): value is Role {
  return (rolesByPrivilege as readonly string[]).includes(value);
}

/** Returns the more privileged of two roles. */
export function higherRole(a: Role, b: Role): Role {
  return rolesByPrivilege.indexOf(a) >= rolesByPrivilege.indexOf(b) ? a : b;
}

/** One line of the roles file, kept as read so that a rewrite leaves other lines unchanged. */
export interface RolesLine {
  raw: string;
  /** The group name before the ':', or null for blank, comment and malformed lines. */
  group: string | null;
  members: string[];
}

export interface RolesFile {
  lines: RolesLine[];
  /** The highest role of every user that a role group lists. */
  roles: ReadonlyMap<string, Role>;
  issues: FileIssue[];
}

/**
 * Parses an Apache AuthGroupFile (`group: user1 user2`, one group per line, a group may span several
 * lines). Only the groups named like a role count; other groups are reported and ignored. Never throws.
 */
export function parseRolesFile(text: string, file: string): RolesFile {
  const lines: RolesLine[] = [];
  const roles = new Map<string, Role>();
  const issues: FileIssue[] = [];

  splitLines(text).forEach((raw, index) => {
    const lineNumber = index + 1;
    const report = (message: string): void => {
      issues.push({ file, line: lineNumber, message });
    };
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) {
      lines.push({ raw, group: null, members: [] });
      return;
    }

    const colon = content.indexOf(':');
    if (colon < 0) {
      report('expected "group: user1 user2" but the line has no ":"; the line is skipped');
      lines.push({ raw, group: null, members: [] });
      return;
    }
    const group = content.slice(0, colon).trim();
    const members = content
      .slice(colon + 1)
      .split(/\s+/)
      .filter((member) => member !== '');
    lines.push({ raw, group, members });

    if (!isRole(group)) {
      report(`group ${JSON.stringify(group)} is not a role (expected ${rolesByPrivilege.join(', ')}); the line is ignored`);
      return;
    }
    for (const member of members) {
      const problem = findUserNameProblem(member);
      if (problem !== null) {
        report(`${problem} in ${JSON.stringify(member)}; the name is skipped`);
        continue;
      }
      const previous = roles.get(member);
      roles.set(member, previous === undefined ? group : higherRole(previous, group));
    }
  });

  return { lines, roles, issues };
}

/** Formats a role group line in the AuthGroupFile form. */
export function formatRolesLine(group: Role, members: readonly string[]): string {
  return members.length === 0 ? `${group}:` : `${group}: ${members.join(' ')}`;
}

/**
 * Returns the lines of the roles file with `user` removed from every role group and, unless `role` is
 * null, added to the first line of that role's group (or to a new line at the end). Lines of other
 * groups, comments and lines that could not be parsed stay as they are.
 */
export function assignRole(file: RolesFile, user: string, role: Role | null): string[] {
  const lines: string[] = [];
  let added = role === null;
  for (const line of file.lines) {
    if (line.group === null || !isRole(line.group)) {
      lines.push(line.raw);
      continue;
    }
    let members = line.members.filter((member) => member !== user);
    if (!added && line.group === role) {
      members = [...members, user];
      added = true;
    }
    if (members.length === line.members.length && members.every((member, index) => member === line.members[index])) {
      lines.push(line.raw);
    } else if (members.length > 0) {
      lines.push(formatRolesLine(line.group, members));
    }
  }
  if (!added && role !== null) {
    lines.push(formatRolesLine(role, [user]));
  }
  return lines;
}
