import path from 'node:path';
import { z } from 'zod';
import { roleSchema } from '../protocol/index.js';
import { findUserNameProblem } from './user-rules.js';

export const tokensFileName = 'tokens.json';

export function tokensFilePath(dataDir: string): string {
  return path.join(dataDir, tokensFileName);
}

const isoTime = z.iso.datetime({ offset: true });

/** One API token as stored: never the secret itself, only its SHA-256. */
export const tokenRecordSchema = z.strictObject({
  name: z.string().refine((name) => findUserNameProblem(name) === null, { message: 'invalid token name' }),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  role: roleSchema,
  created: isoTime,
  /** ISO 8601 time after which the token is rejected, or null for a token that does not expire. */
  expires: isoTime.nullable(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

const tokensDocumentSchema = z.strictObject({
  version: z.literal(1),
  tokens: z.array(z.unknown()),
});

export interface TokensFile {
  /** Valid records, each name and id at most once (the first entry wins). */
  tokens: TokenRecord[];
  /** Entries that failed validation, kept as read so that a rewrite does not drop them silently. */
  rejected: unknown[];
  /** Problems found, for logs and `gatehouse token list`. */
  issues: string[];
  /** False when the file is not JSON of the expected form at all; such a file must not be rewritten. */
  wellFormed: boolean;
}

export const emptyTokensFile: TokensFile = { tokens: [], rejected: [], issues: [], wellFormed: true };

/** Parses the text of tokens.json. Never throws: each problem becomes an issue and the entry is skipped. */
export function parseTokensFile(text: string, file: string): TokensFile {
  let document: z.infer<typeof tokensDocumentSchema>;
  try {
    const parsed = tokensDocumentSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      return malformed(`${file}: expected {"version": 1, "tokens": [...]}, so no token is accepted`);
    }
    document = parsed.data;
  } catch {
    return malformed(`${file}: not valid JSON, so no token is accepted`);
  }

  const tokens: TokenRecord[] = [];
  const rejected: unknown[] = [];
  const issues: string[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  document.tokens.forEach((entry, index) => {
    const record = tokenRecordSchema.safeParse(entry);
    if (!record.success) {
      const fields = record.error.issues.map((issue) => issue.path.join('.') || '(entry)').join(', ');
      issues.push(`${file}: token entry ${index} is invalid (${fields}); it is skipped`);
      rejected.push(entry);
      return;
    }
    if (names.has(record.data.name) || ids.has(record.data.id)) {
      issues.push(`${file}: token entry ${index} repeats the name or id of an earlier entry; it is skipped`);
      rejected.push(entry);
      return;
    }
    names.add(record.data.name);
    ids.add(record.data.id);
    tokens.push(record.data);
  });
  return { tokens, rejected, issues, wellFormed: true };
}

/** Formats tokens.json, one entry per line so that a diff or a person can read it. */
export function serializeTokensFile(file: Pick<TokensFile, 'tokens' | 'rejected'>): string {
  const entries = [...file.tokens, ...file.rejected].map((entry) => `    ${JSON.stringify(entry)}`);
  return entries.length === 0 ? '{\n  "version": 1,\n  "tokens": []\n}\n' : `{\n  "version": 1,\n  "tokens": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

function malformed(issue: string): TokensFile {
  return { tokens: [], rejected: [], issues: [issue], wellFormed: false };
}
