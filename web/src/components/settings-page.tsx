import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { roleSchema } from '../../../src/protocol/index.js';
import type { Role } from '../../../src/protocol/index.js';
import { describeError, requestJson } from '../api.js';
import { formatLocalTime } from '../format.js';
import { isAdmin } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

const userListSchema = z.array(z.object({ name: z.string(), role: roleSchema }));
const userSchema = z.object({ name: z.string(), role: roleSchema });
const tokenSchema = z.object({ name: z.string(), role: roleSchema, created: z.string(), expires: z.string().nullable(), expired: z.boolean() });
const tokenListSchema = z.array(tokenSchema);
const createdTokenSchema = tokenSchema.extend({ token: z.string() });

type UserRow = z.infer<typeof userSchema>;
type TokenRow = z.infer<typeof tokenSchema>;

const roles: Role[] = ['viewer', 'operator', 'admin'];

/** Settings for admins: users and roles, API tokens, and a note on config keys. */
export function SettingsPage({ store }: { store: HubStore }) {
  const user = useObservable(store.user);
  if (!isAdmin(user)) {
    return (
      <section class="panel">
        <h2>Settings</h2>
        <p>Only admins can change settings.</p>
      </section>
    );
  }
  return (
    <>
      <UsersPanel currentUser={user?.name ?? ''} />
      <TokensPanel />
      <section class="panel" aria-labelledby="config-title">
        <h2 id="config-title">Configuration</h2>
        <p data-field="config-note">
          No configuration key can be changed from this page yet. Edit <code>gatehouse.yaml</code> on the gateway and run{' '}
          <code>sudo systemctl restart gatehouse.target</code> to apply it; <code>log.level</code> and{' '}
          <code>hub.pingIntervalSeconds</code> also apply with <code>sudo systemctl reload gatehouse.target</code>.
        </p>
      </section>
    </>
  );
}

function UsersPanel({ currentUser }: { currentUser: string }) {
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const reload = (): void => setVersion(version + 1);

  useEffect(() => {
    requestJson('GET', '/api/users', userListSchema).then(setUsers, (error: unknown) => {
      setStatus(`Could not load the users: ${describeError(error)}`);
    });
  }, [version]);

  const act = (what: string, work: Promise<unknown>): void => {
    setStatus(`${what}…`);
    work.then(
      () => {
        setStatus(`${what}: done.`);
        reload();
      },
      (error: unknown) => {
        setStatus(`${what} failed: ${describeError(error)}`);
      },
    );
  };

  return (
    <section class="panel" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <p class="help">Viewers see the nodes, operators also send commands, admins also manage users and tokens.</p>
      {users !== null && (
        <table class="admin-table">
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((row) => (
              <tr key={row.name} data-user={row.name}>
                <td>{row.name}</td>
                <td>
                  <select
                    name="role"
                    aria-label={`Role of ${row.name}`}
                    value={row.role}
                    onChange={(event) => {
                      const role = event.currentTarget.value;
                      act(`Changing the role of ${row.name}`, requestJson('PATCH', `/api/users/${encodeURIComponent(row.name)}`, userSchema, { role }));
                    }}
                  >
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {row.name !== currentUser && (
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove ${row.name}`}
                      onClick={() => {
                        act(`Removing ${row.name}`, requestJson('DELETE', `/api/users/${encodeURIComponent(row.name)}`, z.unknown()));
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewUserForm
        onSubmit={(name, password, role) => {
          act(`Adding ${name}`, requestJson('POST', '/api/users', userSchema, { name, password, role }));
        }}
      />
      <PasswordForm
        users={users ?? []}
        onSubmit={(name, password) => {
          act(`Setting the password of ${name}`, requestJson('PATCH', `/api/users/${encodeURIComponent(name)}`, userSchema, { password }));
        }}
      />
      <output class="form-status" aria-live="polite" data-field="users-status">
        {status}
      </output>
    </section>
  );
}

function NewUserForm({ onSubmit }: { onSubmit: (name: string, password: string, role: Role) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  return (
    <form
      class="inline-form"
      aria-label="Add a user"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(name, password, role);
        // A secret never stays in the page after it was sent.
        setPassword('');
        setName('');
      }}
    >
      <h3>Add a user</h3>
      <label>
        Name
        <input type="text" name="newUserName" required maxLength={64} autoComplete="off" value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <label>
        Password
        <input type="password" name="newUserPassword" required autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </label>
      <label>
        Role
        <select name="newUserRole" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
          {roles.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Add user</button>
    </form>
  );
}

function PasswordForm({ users, onSubmit }: { users: UserRow[]; onSubmit: (name: string, password: string) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      class="inline-form"
      aria-label="Set a password"
      onSubmit={(event) => {
        event.preventDefault();
        if (name !== '') {
          onSubmit(name, password);
        }
        setPassword('');
      }}
    >
      <h3>Set a password</h3>
      <label>
        User
        <select name="passwordUser" required value={name} onChange={(event) => setName(event.currentTarget.value)}>
          <option value="">choose a user</option>
          {users.map((row) => (
            <option key={row.name} value={row.name}>
              {row.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        New password
        <input type="password" name="newPassword" required autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </label>
      <button type="submit">Set password</button>
    </form>
  );
}

function TokensPanel() {
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const [status, setStatus] = useState('');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  // Revoking breaks every script that uses the token, so it takes a second click.
  const [confirmingRevoke, setConfirmingRevoke] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('');

  useEffect(() => {
    requestJson('GET', '/api/tokens', tokenListSchema).then(setTokens, (error: unknown) => {
      setStatus(`Could not load the tokens: ${describeError(error)}`);
    });
  }, [version]);

  return (
    <section class="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p class="help">
        Scripts send a token as <code>Authorization: Bearer &lt;token&gt;</code>. The hub keeps only a hash, so a token is shown once, when it is created.
      </p>
      {secret !== null && (
        <div class="secret-box" role="alert">
          <p>
            Token <strong>{secret.name}</strong> (copy it now, it will not be shown again):
          </p>
          <code class="secret" data-field="token-secret">
            {secret.token}
          </code>{' '}
          <button
            type="button"
            onClick={() => {
              setSecret(null);
            }}
          >
            I have copied it
          </button>
        </div>
      )}
      {tokens !== null &&
        (tokens.length === 0 ? (
          <p class="placeholder">No API tokens.</p>
        ) : (
          <table class="admin-table">
            <caption class="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.name} data-token={token.name}>
                  <td>{token.name}</td>
                  <td>{token.role}</td>
                  <td>{formatLocalTime(token.created)}</td>
                  <td>{token.expires === null ? 'never' : `${formatLocalTime(token.expires)}${token.expired ? ' (expired)' : ''}`}</td>
                  <td>
                    {confirmingRevoke === token.name ? (
                      <>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Confirm revoking ${token.name}`}
                          onClick={() => {
                            setConfirmingRevoke(null);
                            setStatus(`Revoking ${token.name}…`);
                            requestJson('DELETE', `/api/tokens/${encodeURIComponent(token.name)}`, z.unknown()).then(
                              () => {
                                setStatus(`Revoked ${token.name}.`);
                                // A revoked token's secret must not stay on screen to be copied into a script.
                                if (secret?.name === token.name) {
                                  setSecret(null);
                                }
                                setVersion(version + 1);
                              },
                              (error: unknown) => {
                                setStatus(`Revoking ${token.name} failed: ${describeError(error)}`);
                              },
                            );
                          }}
                        >
                          Revoke for good
                        </button>{' '}
                        <button type="button" aria-label={`Keep ${token.name}`} onClick={() => setConfirmingRevoke(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" class="danger" aria-label={`Revoke ${token.name}`} onClick={() => setConfirmingRevoke(token.name)}>
                        Revoke…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <form
        class="inline-form"
        aria-label="Create a token"
        onSubmit={(event) => {
          event.preventDefault();
          const expiresDays = days === '' ? undefined : Number(days);
          setStatus(`Creating ${name}…`);
          requestJson('POST', '/api/tokens', createdTokenSchema, { name, role, ...(expiresDays === undefined ? {} : { expiresDays }) }).then(
            (created) => {
              setSecret({ name: created.name, token: created.token });
              setStatus(`Created ${created.name}.`);
              setName('');
              setDays('');
              setVersion(version + 1);
            },
            (error: unknown) => {
              setStatus(`Creating the token failed: ${describeError(error)}`);
            },
          );
        }}
      >
        <h3>Create a token</h3>
        <label>
          Name
          <input type="text" name="tokenName" required maxLength={64} autoComplete="off" value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label>
          Role
          <select name="tokenRole" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires after (days, empty for never)
          <input type="number" name="tokenDays" min={1} max={3650} inputMode="numeric" value={days} onInput={(event) => setDays(event.currentTarget.value)} />
        </label>
        <button type="submit">Create token</button>
      </form>
      <output class="form-status" aria-live="polite" data-field="tokens-status">
        {status}
      </output>
    </section>
  );
}
