import type { Logger } from '../log/logger.js';
import type { Role } from '../protocol/index.js';
import { rolesFilePath, usersFilePath } from './data-dir.js';
import { type RolesFile, defaultRole, parseRolesFile } from './roles-file.js';
import type { RoleResolver } from './types.js';
import { type UsersTable, loadUsersTable, logIssues, unreadableUsersTable } from './users-table.js';
import { watchFile } from './watched-file.js';

export interface RoleResolverOptions {
  /** Minimum time between two checks of each file for changes, in milliseconds; default 1000. */
  checkIntervalMs?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

const noRoles: RolesFile = { lines: [], roles: new Map(), issues: [] };

/**
 * Creates a role resolver for the users file and the roles file in `dataDir`. A user in the users
 * file gets the highest role among the role groups that list them, or `viewer` when none does. Both
 * files are reloaded when they change, checked at most once per check interval.
 */
export function createRoleResolver(dataDir: string, logger?: Logger, options: RoleResolverOptions = {}): RoleResolver {
  const log = logger?.child({ component: 'roles' });
  const timing = {
    ...(options.checkIntervalMs === undefined ? {} : { checkIntervalMs: options.checkIntervalMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const usersFile = watchFile<UsersTable>({
    path: usersFilePath(dataDir),
    parse: (text, file) => loadUsersTable(text, file, log),
    onReadError: (error, file) => unreadableUsersTable(error, file, log),
    ...timing,
  });
  const rolesFile = watchFile<RolesFile>({
    path: rolesFilePath(dataDir),
    parse: (text, file) => {
      if (text === null) {
        log?.info({ file }, `roles file not found, so every user is a ${defaultRole}`);
        return noRoles;
      }
      const parsed = parseRolesFile(text, file);
      logIssues(parsed.issues, log);
      return parsed;
    },
    onReadError: (error, file) => {
      log?.error({ file, err: error }, `cannot read roles file, so every user is a ${defaultRole} until it is readable`);
      return noRoles;
    },
    ...timing,
  });

  return {
    async roleOf(user: string): Promise<Role | null> {
      const [users, roles] = await Promise.all([usersFile.current(), rolesFile.current()]);
      if (!users.users.has(user)) {
        return null;
      }
      return roles.roles.get(user) ?? defaultRole;
    },
  };
}
