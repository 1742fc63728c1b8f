/** The kinds of password hash an Apache htpasswd file can contain. Only `bcrypt` is verified. */
export type HashKind = 'bcrypt' | 'apr1-md5' | 'sha1' | 'sha256-crypt' | 'sha512-crypt' | 'des-crypt' | 'unknown';

// bcrypt's modular crypt format: $2a$, $2b$ or $2y$, a two-digit cost from 04 to 31, then 22 characters
// of salt and 31 of hash in bcrypt's base-64 alphabet. The $2x$ variant marks hashes made by the
// buggy pre-2011 crypt_blowfish, which bcryptjs cannot verify.
const bcryptPattern = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
const desCryptPattern = /^[./A-Za-z0-9]{13}$/;

/** Classifies a hash by its prefix and shape, as htpasswd writes it. */
export function classifyHash(hash: string): HashKind {
  if (bcryptPattern.test(hash)) {
    return 'bcrypt';
  }
  if (hash.startsWith('$apr1$')) {
    return 'apr1-md5';
  }
  if (hash.startsWith('{SHA}')) {
    return 'sha1';
  }
  if (hash.startsWith('$5$')) {
    return 'sha256-crypt';
  }
  if (hash.startsWith('$6$')) {
    return 'sha512-crypt';
  }
  if (desCryptPattern.test(hash)) {
    return 'des-crypt';
  }
  return 'unknown';
}

/** Returns the cost of a well-formed bcrypt hash: log2 of its number of key expansion rounds. */
export function bcryptCostOf(hash: string): number {
  const match = bcryptPattern.exec(hash);
  if (match?.[1] === undefined) {
    throw new TypeError('not a bcrypt hash');
  }
  return Number(match[1]);
}

const descriptions: Record<Exclude<HashKind, 'bcrypt'>, string> = {
  'apr1-md5': 'an MD5 ($apr1$) hash',
  sha1: 'a SHA-1 ({SHA}) hash',
  'sha256-crypt': 'a SHA-256 crypt ($5$) hash',
  'sha512-crypt': 'a SHA-512 crypt ($6$) hash',
  'des-crypt': 'a DES crypt hash',
  unknown: 'a hash of unknown form (a malformed bcrypt hash, plain text or an unsupported scheme)',
};

/** Describes a hash kind that Gatehouse does not verify, for messages that tell the user how to fix it. */
export function describeUnsupportedHash(kind: Exclude<HashKind, 'bcrypt'>): string {
  return descriptions[kind];
}
