/**
 * Name of the session cookie. The `__Host-` prefix (RFC 6265bis section 4.1.3.2) makes browsers
 * accept it only with Secure, Path=/ and no Domain, so no other host or plain-HTTP page can set it.
 */
export const sessionCookieName = '__Host-gatehouse_session';

/** A session id: 32 random bytes as unpadded base64url, 43 characters. */
const sessionValuePattern = /^[A-Za-z0-9_-]{43}$/;

/** Cookie headers longer than this are not searched; 8 KiB is above what browsers send per host. */
const maxCookieHeaderLength = 8192;

/** At most this many cookies with the session cookie's name are tried from one request. */
const maxCandidates = 4;

/**
 * Return the well-formed values of the session cookie in a `Cookie` header (RFC 6265 section 5.4:
 * pairs separated by "; "). A browser can send two cookies of the same name, so all are returned,
 * up to four. Never throws.
 */
export function parseSessionCookies(header: string | undefined): string[] {
  if (header === undefined || header.length > maxCookieHeaderLength) {
    return [];
  }
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== sessionCookieName) {
      continue;
    }
    const value = pair.slice(equals + 1).trim();
    if (sessionValuePattern.test(value) && values.length < maxCandidates) {
      values.push(value);
    }
  }
  return values;
}

/** `Set-Cookie` value for a new session that the browser keeps for `maxAgeSeconds`. */
export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${sessionCookieName}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeSeconds)}`;
}

/** `Set-Cookie` value that makes the browser delete the session cookie. */
export const expiredSessionCookie = `${sessionCookieName}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
