import type { ErrorCode } from '../errors/index.js';

/**
 * Error codes of the front's JSON errors. HUB_UNAVAILABLE (502) is the front's own and means that the
 * hub did not respond to the proxied request.
 */
export type FrontErrorCode = ErrorCode | 'HUB_UNAVAILABLE';

/** Serialize the JSON error body every Gatehouse HTTP API uses. */
export function errorBody(code: FrontErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
