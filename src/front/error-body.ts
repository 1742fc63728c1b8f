import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../errors/index.js';
import { securityHeaders } from './security-headers.js';

/** Serialize the JSON error body every Gatehouse HTTP API uses. */
export function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Build a whole HTTP/1.1 error response for a raw socket (a rejected or failed websocket upgrade,
 * which bypasses fastify), with the JSON error body and the same security headers as every other
 * HTTPS response.
 */
export function rawErrorResponse(status: number, code: ErrorCode, message: string, extraHeaders: Readonly<Record<string, string>> = {}): string {
  const body = errorBody(code, message);
  const headers: Record<string, string> = {
    ...securityHeaders,
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`;
}
