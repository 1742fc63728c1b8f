import type { AuditRecorder } from '../audit/types.js';
import {
  type TokenSummary,
  type UserSummary,
  addUser,
  createToken,
  listTokens,
  listUsers,
  removeUser,
  revokeToken,
  setPassword,
  setRole,
} from '../auth/index.js';
import { GatehouseError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import { assertAllowed } from './access.js';
import type { Actor } from './commands.js';

export interface AdminServiceOptions {
  dataDir: string;
  audit: AuditRecorder;
  /** bcrypt cost for new password hashes; tests lower it. Defaults to the users store's default. */
  bcryptCost?: number;
}

export interface NewUser {
  name: string;
  password: string;
  role: Role;
}

export interface UserChange {
  role?: Role;
  password?: string;
}

export interface NewToken {
  name: string;
  role: Role;
  expiresDays?: number;
}

/**
 * Changes users and API tokens for admins. Every method checks the actor's role first. Changes run one
 * at a time, so the last-admin check and the write that follows it cannot interleave with another
 * change from this hub. Each change is audited; passwords and tokens never reach the audit log.
 */
export class AdminService {
  readonly #options: AdminServiceOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: AdminServiceOptions) {
    this.#options = options;
  }

  async listUsers(actor: Actor): Promise<UserSummary[]> {
    assertAllowed(actor, 'manage');
    return (await listUsers(this.#options.dataDir)).users;
  }

  /** Adds a user. Rejects with AUTH_USER_INVALID or AUTH_USER_EXISTS. */
  async addUser(actor: Actor, user: NewUser): Promise<UserSummary> {
    assertAllowed(actor, 'manage');
    return this.#serialize(async () => {
      await addUser(this.#options.dataDir, user.name, user.password, user.role, this.#passwordOptions());
      this.#auditUser(actor, 'added', user.name, user.role);
      return this.#userSummary(user.name);
    });
  }

  /** Changes a user's role, password or both. Rejects with AUTH_USER_NOT_FOUND, AUTH_USER_INVALID or AUTH_LAST_ADMIN. */
  async changeUser(actor: Actor, name: string, change: UserChange): Promise<UserSummary> {
    assertAllowed(actor, 'manage');
    return this.#serialize(async () => {
      const current = await this.#findUser(name);
      if (change.role !== undefined && change.role !== 'admin') {
        await this.#assertNotLastAdmin(current, 'demote');
      }
      // The password goes first: it is the change that can be rejected by the password rules.
      if (change.password !== undefined) {
        await setPassword(this.#options.dataDir, name, change.password, this.#passwordOptions());
        this.#auditUser(actor, 'passwordChanged', name, current.role);
      }
      if (change.role !== undefined && change.role !== current.role) {
        await setRole(this.#options.dataDir, name, change.role);
        this.#auditUser(actor, 'roleChanged', name, change.role);
      }
      return this.#userSummary(name);
    });
  }

  /** Removes a user. Rejects with AUTH_USER_NOT_FOUND or AUTH_LAST_ADMIN. */
  async removeUser(actor: Actor, name: string): Promise<void> {
    assertAllowed(actor, 'manage');
    await this.#serialize(async () => {
      const current = await this.#findUser(name);
      await this.#assertNotLastAdmin(current, 'remove');
      await removeUser(this.#options.dataDir, name);
      this.#auditUser(actor, 'removed', name, current.role);
    });
  }

  async listTokens(actor: Actor): Promise<TokenSummary[]> {
    assertAllowed(actor, 'manage');
    return (await listTokens(this.#options.dataDir)).tokens;
  }

  /** Creates a token and returns it with the token string, the only time that string is available. */
  async createToken(actor: Actor, token: NewToken): Promise<TokenSummary & { token: string }> {
    assertAllowed(actor, 'manage');
    return this.#serialize(async () => {
      const created = await createToken(
        this.#options.dataDir,
        token.name,
        token.role,
        token.expiresDays === undefined ? {} : { expiresDays: token.expiresDays },
      );
      this.#auditToken(actor, 'created', created.summary);
      return { ...created.summary, token: created.token };
    });
  }

  /** Revokes a token. Rejects with AUTH_TOKEN_NOT_FOUND. */
  async revokeToken(actor: Actor, name: string): Promise<void> {
    assertAllowed(actor, 'manage');
    await this.#serialize(async () => {
      const revoked = await revokeToken(this.#options.dataDir, name);
      this.#auditToken(actor, 'revoked', revoked);
    });
  }

  #serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.catch(() => undefined).then(work);
    this.#queue = run;
    return run;
  }

  #passwordOptions(): { cost?: number } {
    return this.#options.bcryptCost === undefined ? {} : { cost: this.#options.bcryptCost };
  }

  async #findUser(name: string): Promise<UserSummary> {
    const user = (await listUsers(this.#options.dataDir)).users.find((entry) => entry.name === name);
    if (user === undefined) {
      throw new GatehouseError('AUTH_USER_NOT_FOUND', `user ${JSON.stringify(name.slice(0, 100))} not found`, { context: { user: name.slice(0, 100) } });
    }
    return user;
  }

  async #userSummary(name: string): Promise<UserSummary> {
    return this.#findUser(name);
  }

  /**
   * Throws AUTH_LAST_ADMIN when `user` is the only admin who can log in (an admin whose hash is not
   * bcrypt cannot), because without one nobody could manage users through the API.
   */
  async #assertNotLastAdmin(user: UserSummary, change: 'remove' | 'demote'): Promise<void> {
    if (user.role !== 'admin') {
      return;
    }
    const admins = (await listUsers(this.#options.dataDir)).users.filter((entry) => entry.role === 'admin' && entry.hashKind === 'bcrypt');
    if (admins.some((entry) => entry.name !== user.name)) {
      return;
    }
    throw new GatehouseError(
      'AUTH_LAST_ADMIN',
      `cannot ${change} ${JSON.stringify(user.name)}: it is the last admin who can log in; make another user an admin first`,
      { context: { user: user.name } },
    );
  }

  #auditUser(actor: Actor, action: string, target: string, role: Role): void {
    this.#options.audit.record({ kind: 'userChanged', user: actor.name, client: actor.client, detail: { action, target, role } });
  }

  #auditToken(actor: Actor, action: string, token: TokenSummary): void {
    this.#options.audit.record({
      kind: 'tokenChanged',
      user: actor.name,
      client: actor.client,
      detail: { action, tokenName: token.name, role: token.role, expires: token.expires },
    });
  }
}
