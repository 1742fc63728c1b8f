/**
 * The catalog of stable error codes, each with the HTTP status it maps to at an API boundary and a
 * one-line description. docs/errors.md lists the same codes, and a test keeps the two in sync.
 */
export const errorCatalog = {
  CONFIG_INVALID: { status: 500, description: 'The configuration file failed validation.' },
  CONFIG_UNREADABLE: { status: 500, description: 'The configuration file could not be read or parsed as YAML.' },

  AUTH_REQUIRED: { status: 401, description: 'The request carries no credentials or wrong ones.' },
  AUTH_FORBIDDEN: { status: 403, description: "The user's role does not allow this action." },
  AUTH_ORIGIN_REJECTED: { status: 403, description: "A websocket upgrade or a state-changing request came from an origin other than the front's own." },
  AUTH_HOST_REJECTED: { status: 421, description: 'The Host header names neither this host nor one of front.publicOrigins.' },
  AUTH_RATE_LIMITED: { status: 429, description: 'Too many failed logins from this address or for this user name; retry after the Retry-After seconds.' },
  AUTH_FORWARDED_INVALID: { status: 400, description: 'A trusted proxy sent an X-Forwarded-For or Forwarded header that does not parse, or two that disagree.' },
  AUTH_PROXY_REJECTED: { status: 403, description: 'A request reached the hub without the proxy secret or from a non-loopback peer.' },
  AUTH_USER_INVALID: { status: 400, description: 'A user name, role or password was rejected by the users file rules.' },
  AUTH_USER_EXISTS: { status: 409, description: 'A user with that name already exists.' },
  AUTH_USER_NOT_FOUND: { status: 404, description: 'No user with that name exists in the users file.' },
  AUTH_TOKEN_INVALID: { status: 400, description: 'An API token name, role or expiry was rejected by the token rules.' },
  AUTH_TOKEN_EXISTS: { status: 409, description: 'An API token with that name already exists.' },
  AUTH_TOKEN_NOT_FOUND: { status: 404, description: 'No API token with that name exists.' },
  AUTH_TOKENS_FILE_INVALID: { status: 500, description: 'tokens.json is not JSON of the expected form, so it is not rewritten.' },
  AUTH_LAST_ADMIN: { status: 409, description: 'The change would remove or demote the last admin user.' },
  AUTH_FILE_UNSAFE: { status: 500, description: 'The proxy secret file is too short, not hexadecimal or readable by other users, or a users file edit cannot keep the file owner.' },

  HUB_UNAVAILABLE: { status: 502, description: 'The front could not reach the hub process.' },

  SERIAL_LINK_CLOSED: { status: 503, description: 'The radio gateway link is not open, so nothing can be sent now.' },
  SERIAL_WRITE_FAILED: { status: 502, description: 'Writing to the serial port failed.' },
  SERIAL_QUEUE_FULL: { status: 503, description: "The radio gateway link is down and its queue of waiting commands is full (commands.queueMaxCommands)." },

  PROTOCOL_COMMAND_INVALID: { status: 400, description: 'A command was rejected before sending because the dialect or firmware cannot take it.' },
  PROTOCOL_MESSAGE_INVALID: { status: 400, description: 'A websocket or REST message failed schema validation.' },
  PROTOCOL_MEDIA_TYPE: { status: 415, description: 'A REST request body was not sent as JSON (Content-Type: application/json).' },

  STORAGE_OPEN_FAILED: { status: 500, description: 'The history database could not be opened or switched to WAL mode.' },
  STORAGE_SCHEMA_TOO_NEW: { status: 500, description: 'The history database was written by a newer Gatehouse; upgrade or restore a backup.' },
  STORAGE_MIGRATION_FAILED: { status: 500, description: 'A schema migration of the history database failed; the file stays at the previous version.' },
  STORAGE_BACKUP_FAILED: { status: 500, description: 'Copying the history database to a backup file failed.' },
  STORAGE_BACKUP_INVALID: { status: 400, description: 'A backup file is not a readable, intact history database of a known version.' },
  STORAGE_LOCKED: { status: 409, description: 'Another running hub holds the history database, so it cannot be opened or replaced.' },
  HISTORY_DISABLED: { status: 503, description: 'history.enabled is false, or the history database failed to open, so no history can be read.' },
  METRIC_NOT_FOUND: { status: 404, description: 'The node has no stored history for that metric name.' },

  NODE_NOT_FOUND: { status: 404, description: 'No node with that id has been seen.' },
  REQUEST_NOT_FOUND: { status: 404, description: 'No request with that id exists, or it ended more than an hour ago.' },
  REQUEST_ENDED: { status: 409, description: 'The request is no longer pending, so it cannot be cancelled.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No API route matches the request.' },

  INTERNAL: { status: 500, description: 'An unexpected error; the process logged it with its stack.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export function httpStatusOf(code: ErrorCode): number {
  return errorCatalog[code].status;
}
