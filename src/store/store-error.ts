/**
 * Stable codes for failures of the history database.
 *
 * TODO: move these codes into the shared catalog in src/errors/codes.ts (and docs/errors.md) so that
 * they become GatehouseError codes like the others.
 */
export type StoreErrorCode =
  | 'STORAGE_OPEN_FAILED'
  | 'STORAGE_SCHEMA_TOO_NEW'
  | 'STORAGE_MIGRATION_FAILED'
  | 'STORAGE_BACKUP_FAILED'
  | 'STORAGE_BACKUP_INVALID';

/** A failure of the history database, with a stable code and the file or version involved. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }
}
