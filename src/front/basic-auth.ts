/** Value of the `WWW-Authenticate` header on every 401. RFC 7617 section 2.1 defines the charset parameter. */
export const basicChallenge = 'Basic realm="Gatehouse", charset="UTF-8"';

export type AuthorizationHeader =
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'basic'; user: string; password: string };

/** Scheme, one or more spaces, then a token68 of base64 characters with at most two padding signs. */
const basicPattern = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/**
 * Control characters, which RFC 7617 section 2 forbids in the user-id and the password. Unicode
 * category Cc also covers C1 (U+0080 to U+009F), matching the rule for user names in the users file.
 */
const controlCharacterPattern = /\p{Cc}/u;

/**
 * Header values longer than this are rejected without decoding. 4 KiB is far above any user name
 * and password that bcrypt can check (it reads 72 bytes of the password).
 */
const maxHeaderLength = 4096;

/**
 * Parse an `Authorization` header strictly as HTTP basic auth (RFC 7617): the case-insensitive
 * scheme `Basic`, padded base64 of UTF-8 text, split at the first colon. Never throws.
 */
export function parseBasicAuthorization(value: string | undefined): AuthorizationHeader {
  if (value === undefined || value === '') {
    return { kind: 'missing' };
  }
  if (value.length > maxHeaderLength) {
    return { kind: 'invalid', reason: 'header too long' };
  }

  const match = basicPattern.exec(value);
  const encoded = match?.[1];
  if (encoded === undefined) {
    return { kind: 'invalid', reason: 'not the Basic scheme with a base64 token' };
  }
  if (encoded.length % 4 !== 0) {
    return { kind: 'invalid', reason: 'base64 without padding' };
  }

  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return { kind: 'invalid', reason: 'credentials are not UTF-8' };
  }

  const colon = decoded.indexOf(':');
  if (colon === -1) {
    return { kind: 'invalid', reason: 'no colon between user name and password' };
  }
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user === '') {
    return { kind: 'invalid', reason: 'empty user name' };
  }
  if (controlCharacterPattern.test(user) || controlCharacterPattern.test(password)) {
    return { kind: 'invalid', reason: 'control character in the credentials' };
  }
  return { kind: 'basic', user, password };
}
