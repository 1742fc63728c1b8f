/** Scheme, one or more spaces, then a b64token (RFC 6750 section 2.1). */
const bearerPattern = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Tokens longer than this are rejected unchecked; real API tokens are far shorter. */
const maxTokenLength = 1024;

export type BearerHeader = { kind: 'bearer'; token: string } | { kind: 'invalid'; reason: string };

/** True when an `Authorization` header names the Bearer scheme, whatever follows. */
export function isBearerScheme(value: string): boolean {
  return /^bearer(?: |$)/i.test(value);
}

/** Parse an `Authorization: Bearer <token>` header strictly (RFC 6750 section 2.1). Never throws. */
export function parseBearerAuthorization(value: string): BearerHeader {
  if (value.length > maxTokenLength + 'Bearer '.length) {
    return { kind: 'invalid', reason: 'header too long' };
  }
  const token = bearerPattern.exec(value)?.[1];
  if (token === undefined) {
    return { kind: 'invalid', reason: 'not the Bearer scheme with a b64token' };
  }
  return { kind: 'bearer', token };
}
