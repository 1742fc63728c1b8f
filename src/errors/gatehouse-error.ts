import { type ErrorCode, httpStatusOf } from './codes.js';

/** The one error base class: a stable code, a message for people, optional context and cause. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseError';
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }

  get httpStatus(): number {
    return httpStatusOf(this.code);
  }
}

export function isGatehouseError(value: unknown): value is GatehouseError {
  return value instanceof GatehouseError;
}
