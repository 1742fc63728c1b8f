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
