import type { Role } from '../protocol/index.js';

/** Checks a user name and password against the users file. */
export interface CredentialVerifier {
  /** Resolves true only for an existing user with that password; never rejects on a wrong password. */
  verify(user: string, password: string): Promise<boolean>;
}

/** Resolves a user's role from the roles file that sits beside the users file. */
export interface RoleResolver {
  /** The user's role, or null when the user is not in the users file. */
  roleOf(user: string): Promise<Role | null>;
}

/**
 * Prefix of the identity the front vouches for when a request carries an API token instead of a
 * password: `token:<token name>`. User names cannot contain `:`, so the two never collide.
 */
export const tokenIdentityPrefix = 'token:';

/** Checks API tokens sent as `Authorization: Bearer <token>`. */
export interface TokenVerifier {
  /** The token's name and role, or null for an unknown, revoked or malformed token. Never rejects. */
  verify(token: string): Promise<{ name: string; role: Role } | null>;
}
