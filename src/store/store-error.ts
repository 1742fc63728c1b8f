import { GatehouseError } from '../errors/index.js';

/** Codes of history database failures; src/errors/codes.ts describes each one. */
export type StoreErrorCode =
  | 'STORAGE_OPEN_FAILED'
  | 'STORAGE_SCHEMA_TOO_NEW'
  | 'STORAGE_MIGRATION_FAILED'
  | 'STORAGE_BACKUP_FAILED'
  | 'STORAGE_BACKUP_INVALID'
  | 'STORAGE_LOCKED';

/** A failure of the history database, with a stable code and the file or version involved. */
export class StoreError extends GatehouseError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}
