import { readFile } from 'node:fs/promises';
import { GatehouseError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { hashPassword } from './bcrypt-hash.js';
import { ensureDataDir, rolesFilePath, usersFilePath } from './data-dir.js';
import type { FileIssue } from './file-issue.js';
import type { HashKind } from './hash-kind.js';
import { type HtpasswdFile, parseHtpasswd, serializeLines } from './htpasswd-file.js';
import { type RolesFile, assignRole, defaultRole, isRole, parseRolesFile, rolesByPrivilege } from './roles-file.js';
import { validatePassword, validateUserName } from './user-rules.js';

// NOTE: each edit reads, changes and replaces a whole file without a lock, so two edits that run at
// the same moment (two `gatehouse user` commands) can lose one of them. Readers are never affected.

/** A user as `gatehouse user list` shows it; it never contains the hash. */
export interface UserSummary {
  name: string;
  role: Role;
  hashKind: HashKind;
}

export interface UserListing {
  users: UserSummary[];
  /** Problems found in the users file and the roles file, by line. */
  issues: FileIssue[];
}

export interface PasswordOptions {
  /** bcrypt cost of the new hash; defaults to `defaultBcryptCost`. */
  cost?: number;
}

/**
 * Adds a user with a bcrypt hash of `password` and the given role, creating the data directory and
 * both files when missing. Throws AUTH_USER_INVALID for a bad name, password or role and
 * AUTH_USER_EXISTS when the name is taken.
 */
export async function addUser(dataDir: string, name: string, password: string, role: Role, options: PasswordOptions = {}): Promise<void> {
  validateUserName(name);
  validatePassword(password);
  validateRole(role);
  await ensureDataDir(dataDir);
  const users = await readUsersFile(dataDir);
  if (users.users.has(name)) {
    throw new GatehouseError('AUTH_USER_EXISTS', `user ${JSON.stringify(name)} already exists; use "gatehouse user passwd" to change the password`, {
      context: { user: name },
    });
  }
  const hash = await hashPassword(password, options.cost);

  // The role goes first: if the second write fails, the roles file only lists a name that has no
  // password yet, which grants nothing.
  await writeRoles(dataDir, assignRole(await readRolesFile(dataDir), name, role));
  await writeFileAtomic(usersFilePath(dataDir), serializeLines([...users.lines, { raw: `${name}:${hash}` }]));
}

/** Removes a user from the users file and from every role group. Throws AUTH_USER_NOT_FOUND for an unknown name. */
export async function removeUser(dataDir: string, name: string): Promise<void> {
  const users = await readExistingUser(dataDir, name);
  // Every line with the name goes, including duplicates that Apache would ignore, so none of them can take over.
  const remaining = users.lines.filter((line) => line.entry?.name !== name);
  await writeFileAtomic(usersFilePath(dataDir), serializeLines(remaining));
  await writeRoles(dataDir, assignRole(await readRolesFile(dataDir), name, null));
}

/**
 * Replaces a user's password hash with a bcrypt hash of `password`, which also fixes a user whose
 * hash is of a kind that Gatehouse does not verify. Throws AUTH_USER_INVALID or AUTH_USER_NOT_FOUND.
 */
export async function setPassword(dataDir: string, name: string, password: string, options: PasswordOptions = {}): Promise<void> {
  validatePassword(password);
  const users = await readExistingUser(dataDir, name);
  const hash = await hashPassword(password, options.cost);
  const lines: { raw: string }[] = [];
  let replaced = false;
  for (const line of users.lines) {
    if (line.entry?.name !== name) {
      lines.push(line);
    } else if (!replaced) {
      lines.push({ raw: `${name}:${hash}` });
      replaced = true;
    }
  }
  await writeFileAtomic(usersFilePath(dataDir), serializeLines(lines));
}

/** Moves a user to another role group. Throws AUTH_USER_INVALID for an unknown role or AUTH_USER_NOT_FOUND. */
export async function setRole(dataDir: string, name: string, role: Role): Promise<void> {
  validateRole(role);
  await readExistingUser(dataDir, name);
  await writeRoles(dataDir, assignRole(await readRolesFile(dataDir), name, role));
}

/** Lists the users in file order with their role and hash kind, and the problems found in both files. */
export async function listUsers(dataDir: string): Promise<UserListing> {
  const users = await readUsersFile(dataDir);
  const roles = await readRolesFile(dataDir);
  const summaries = [...users.users.values()].map((entry) => ({
    name: entry.name,
    role: roles.roles.get(entry.name) ?? defaultRole,
    hashKind: entry.hashKind,
  }));
  return { users: summaries, issues: [...users.issues, ...roles.issues] };
}

function validateRole(role: string): void {
  if (!isRole(role)) {
    throw new GatehouseError('AUTH_USER_INVALID', `invalid role ${JSON.stringify(role)}: expected one of ${rolesByPrivilege.join(', ')}`, {
      context: { role },
    });
  }
}

async function readExistingUser(dataDir: string, name: string): Promise<HtpasswdFile> {
  const users = await readUsersFile(dataDir);
  if (!users.users.has(name)) {
    throw new GatehouseError('AUTH_USER_NOT_FOUND', `user ${JSON.stringify(name)} not found in ${usersFilePath(dataDir)}`, {
      context: { user: name },
    });
  }
  return users;
}

async function readUsersFile(dataDir: string): Promise<HtpasswdFile> {
  const file = usersFilePath(dataDir);
  return parseHtpasswd(await readTextIfExists(file), file);
}

async function readRolesFile(dataDir: string): Promise<RolesFile> {
  const file = rolesFilePath(dataDir);
  return parseRolesFile(await readTextIfExists(file), file);
}

async function writeRoles(dataDir: string, lines: readonly string[]): Promise<void> {
  await writeFileAtomic(rolesFilePath(dataDir), serializeLines(lines.map((raw) => ({ raw }))));
}

async function readTextIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return '';
    }
    throw error;
  }
}
