import type { Logger } from '../log/logger.js';
import { type TokenRecord, parseTokensFile, tokensFilePath } from './tokens-file.js';
import { type WatchedFile, watchFile } from './watched-file.js';

/** tokens.json as the verifier and the role resolver use it. */
export interface TokensTable {
  byId: ReadonlyMap<string, TokenRecord>;
  byName: ReadonlyMap<string, TokenRecord>;
}

export interface TokensTableOptions {
  /** Minimum time between two checks of tokens.json for changes, in milliseconds; default 1000. */
  checkIntervalMs?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

const noTokens: TokensTable = { byId: new Map(), byName: new Map() };

/** Most issues logged per load, so a damaged file cannot flood the log. */
const maxLoggedIssues = 20;

/** Watches `<dataDir>/tokens.json` and indexes its tokens by id and by name; a missing or unreadable file means no tokens. */
export function watchTokensTable(dataDir: string, logger: Logger | undefined, options: TokensTableOptions = {}): WatchedFile<TokensTable> {
  return watchFile<TokensTable>({
    path: tokensFilePath(dataDir),
    parse: (text, file) => {
      if (text === null) {
        logger?.debug({ file }, 'tokens file not found, so no API token is accepted');
        return noTokens;
      }
      const parsed = parseTokensFile(text, file);
      for (const issue of parsed.issues.slice(0, maxLoggedIssues)) {
        logger?.warn({ file }, issue);
      }
      logger?.info({ file, tokens: parsed.tokens.length, issues: parsed.issues.length }, 'tokens file loaded');
      return {
        byId: new Map(parsed.tokens.map((record) => [record.id, record])),
        byName: new Map(parsed.tokens.map((record) => [record.name, record])),
      };
    },
    onReadError: (error, file) => {
      logger?.error({ file, err: error }, 'cannot read tokens file, so no API token is accepted until it is readable');
      return noTokens;
    },
    ...(options.checkIntervalMs === undefined ? {} : { checkIntervalMs: options.checkIntervalMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}
