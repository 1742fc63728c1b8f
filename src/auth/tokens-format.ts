import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every API token, so that a secret scanner or a person can tell what a leaked string is. */
export const tokenPrefix = 'ght_';

/** Random bytes in a token id and in a token secret. */
export const tokenIdBytes = 8;
export const tokenSecretBytes = 32;

// `ght_`, 16 lowercase hex digits of id, `_`, then the secret as 43 base64url characters without
// padding (32 bytes = 256 bits; RFC 4648, section 5). The id has a fixed length, so the `_` that
// base64url may also contain in the secret cannot shift the split.
const tokenPattern = /^ght_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The two parts of a well-formed token. */
export interface ParsedToken {
  id: string;
  secret: Buffer;
}

/** A new token as shown once to its creator, and the parts that are stored. */
export interface GeneratedToken {
  token: string;
  id: string;
  /** SHA-256 of the secret bytes, hex. */
  secretHash: string;
}

/** Makes a new token from the operating system's random source. */
export function generateToken(): GeneratedToken {
  const id = randomBytes(tokenIdBytes).toString('hex');
  const secret = randomBytes(tokenSecretBytes);
  return { token: `${tokenPrefix}${id}_${secret.toString('base64url')}`, id, secretHash: hashTokenSecret(secret) };
}

/**
 * Parses a token strictly: the exact prefix, id and secret lengths and alphabets, and a secret whose
 * base64url form is canonical (the unused low bits of the last character are zero), so each secret
 * has exactly one spelling. Returns null for anything else; never throws.
 */
export function parseToken(token: string): ParsedToken | null {
  const match = tokenPattern.exec(token);
  if (match === null) {
    return null;
  }
  const [, id, encoded] = match;
  if (id === undefined || encoded === undefined) {
    return null;
  }
  const secret = Buffer.from(encoded, 'base64url');
  if (secret.length !== tokenSecretBytes || secret.toString('base64url') !== encoded) {
    return null;
  }
  return { id, secret };
}

/**
 * Hashes a token secret with plain SHA-256. A slow password hash such as bcrypt defends low-entropy
 * passwords against guessing, but a secret of 32 random bytes has 256 bits of entropy, so guessing it
 * from its hash is already out of reach. A fast hash also keeps each API request cheap on a small board.
 */
export function hashTokenSecret(secret: Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}
