/** Kinds of events the audit log records. */
export type AuditEventKind =
  | 'login'
  | 'loginFailed'
  | 'loginDelayed'
  | 'sessionStarted'
  | 'sessionEnded'
  | 'sessionExpired'
  | 'tokenUsed'
  | 'tokenRejected'
  | 'command'
  | 'userChanged'
  | 'tokenChanged'
  /** A request for a sleeping node was created or cancelled. */
  | 'request'
  /** A node was renamed, hidden, pinned or deleted. */
  | 'nodeChanged';

/** One audit record: who did what, from where, when. Never contains a password, token or secret. */
export interface AuditEvent {
  /** ISO 8601 time the event happened. */
  time: string;
  kind: AuditEventKind;
  /** User name, `token:<name>` for an API token, or null when no name was given. */
  user: string | null;
  /** Client address as the front saw it (after trusted-proxy resolution). */
  client: string | null;
  /** Which process recorded it. */
  source: 'front' | 'hub' | 'cli';
  /** Event details, such as a node id and payload for a command; never a credential. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Appends audit events; an implementation never throws to its caller (it logs its own failures). */
export interface AuditRecorder {
  record(event: Omit<AuditEvent, 'time' | 'source'> & { time?: string }): void;
}
