import type { ErrorCode } from '../errors/index.js';

/** Serialize the JSON error body every Gatehouse HTTP API uses. */
export function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
