import type { Logger } from '../log/logger.js';
import type { Role } from '../protocol/index.js';
import { type RoleResolverOptions, createRoleResolver } from './role-resolver.js';
import { isExpired } from './tokens-store.js';
import { watchTokensTable } from './tokens-table.js';
import { type RoleResolver, tokenIdentityPrefix } from './types.js';

/**
 * Creates a role resolver for every identity the front vouches for. `token:<name>` gets the role of
 * the API token of that name in tokens.json, or null when it is unknown, revoked or expired. Any
 * other name gets its role from the users and roles files.
 */
export function createIdentityResolver(dataDir: string, logger?: Logger, options: RoleResolverOptions = {}): RoleResolver {
  const users = createRoleResolver(dataDir, logger, options);
  const tokens = watchTokensTable(dataDir, logger?.child({ component: 'tokens' }), options);
  const now = options.now ?? Date.now;

  return {
    async roleOf(identity: string): Promise<Role | null> {
      if (!identity.startsWith(tokenIdentityPrefix)) {
        return users.roleOf(identity);
      }
      const record = (await tokens.current()).byName.get(identity.slice(tokenIdentityPrefix.length));
      if (record === undefined || isExpired(record, new Date(now()))) {
        return null;
      }
      return record.role;
    },
  };
}
