import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { hashTokenSecret, parseToken } from './tokens-format.js';
import { isExpired } from './tokens-store.js';
import { type TokensTableOptions, watchTokensTable } from './tokens-table.js';
import type { TokenVerifier } from './types.js';

export type TokenVerifierOptions = TokensTableOptions;

/**
 * Creates a verifier for the API tokens in `<dataDir>/tokens.json`. A token is accepted only when it
 * parses strictly, its id is in the file, the SHA-256 of its secret matches in constant time, and it
 * has not expired. tokens.json is reloaded when it changes, so a revoked token stops working within
 * one check interval. The verifier never logs a token or its secret.
 */
export function createTokenVerifier(dataDir: string, logger?: Logger, options: TokenVerifierOptions = {}): TokenVerifier {
  const log = logger?.child({ component: 'tokens' });
  const table = watchTokensTable(dataDir, log, options);
  const now = options.now ?? Date.now;

  return {
    async verify(token: string) {
      const parsed = parseToken(token);
      if (parsed === null) {
        return null;
      }
      const record = (await table.current()).byId.get(parsed.id);
      if (record === undefined) {
        return null;
      }
      const presented = Buffer.from(hashTokenSecret(parsed.secret), 'hex');
      const stored = Buffer.from(record.sha256, 'hex');
      // Both are 32-byte SHA-256 digests, because the file schema checks the stored hash's form.
      if (!timingSafeEqual(presented, stored)) {
        return null;
      }
      if (isExpired(record, new Date(now()))) {
        return null;
      }
      return { name: record.name, role: record.role };
    },
  };
}
