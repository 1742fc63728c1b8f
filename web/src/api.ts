import { errorBodySchema } from '../../src/protocol/index.js';
import type { z } from 'zod';

/** Time a REST request may take before the page gives up on it. */
const requestTimeoutMs = 10_000;

/** A failed REST request, with the hub's error code when the response carried one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page, for example: the status alone has to do.
  }
  const parsed = errorBodySchema.safeParse((body as { error?: unknown } | null)?.error);
  if (parsed.success) {
    return new ApiError(response.status, parsed.data.code, parsed.data.message);
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The request failed with HTTP ${response.status} ${response.statusText}.`.replace(' .', '.'));
}

/**
 * Sends one JSON request to the hub through the front and validates the response body with `schema`.
 * Throws ApiError for a non-2xx status, a network failure or a body of the wrong shape.
 */
export async function requestJson<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The hub could not be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    throw await errorFrom(response);
  }
  if (response.status === 204) {
    return schema.parse(undefined);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiError(response.status, 'INVALID_RESPONSE', `${method} ${path} returned a body that is not JSON.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(response.status, 'INVALID_RESPONSE', `${method} ${path} returned a body of an unexpected shape.`);
  }
  return parsed.data;
}

/** True for the 404 that a hub without the route returns (an older hub), unlike a 404 for an unknown node. */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND';
}

/** Returns the message to show for an error thrown by `requestJson` or anything else. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : 'The request failed.';
}
