import { readFile } from 'node:fs/promises';
import { GatehouseError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { ensureDataDir } from './data-dir.js';
import { isRole, rolesByPrivilege } from './roles-file.js';
import { generateToken } from './tokens-format.js';
import { type TokenRecord, type TokensFile, emptyTokensFile, parseTokensFile, serializeTokensFile, tokensFilePath } from './tokens-file.js';
import { findUserNameProblem } from './user-rules.js';

/** Maximum token lifetime in days: ten years. */
export const maxTokenDays = 3650;

const dayMs = 24 * 60 * 60 * 1000;

/** A token as listings show it: never the secret or its hash. */
export interface TokenSummary {
  name: string;
  role: Role;
  created: string;
  expires: string | null;
  expired: boolean;
}

export interface TokenListing {
  tokens: TokenSummary[];
  issues: string[];
}

export interface CreateTokenOptions {
  /** Days until the token stops working; without it the token works until it is revoked. */
  expiresDays?: number;
  now?: () => Date;
}

/** A created token: the only time the full token exists outside the client that receives it. */
export interface CreatedToken {
  token: string;
  summary: TokenSummary;
}

// NOTE: edits are serialized within one process only. A CLI command and the hub that edit tokens.json
// at the same moment can lose one edit, as with the users file.
const editQueues = new Map<string, Promise<unknown>>();

/**
 * Creates an API token with `role` and stores its name, id, SHA-256 of the secret, role and times in
 * tokens.json. Throws AUTH_TOKEN_INVALID for a bad name, role or expiry and AUTH_TOKEN_EXISTS for a
 * name in use.
 */
export async function createToken(dataDir: string, name: string, role: string, options: CreateTokenOptions = {}): Promise<CreatedToken> {
  validateTokenName(name);
  if (!isRole(role)) {
    throw new GatehouseError('AUTH_TOKEN_INVALID', `invalid role ${JSON.stringify(role)}: expected one of ${rolesByPrivilege.join(', ')}`, {
      context: { role },
    });
  }
  validateExpiresDays(options.expiresDays);
  const now = options.now?.() ?? new Date();

  return editTokens(dataDir, (file) => {
    if (file.tokens.some((token) => token.name === name)) {
      throw new GatehouseError('AUTH_TOKEN_EXISTS', `token ${JSON.stringify(name)} already exists; revoke it first or choose another name`, {
        context: { token: name },
      });
    }
    const generated = generateToken();
    const record: TokenRecord = {
      name,
      id: generated.id,
      sha256: generated.secretHash,
      role,
      created: now.toISOString(),
      expires: options.expiresDays === undefined ? null : new Date(now.getTime() + options.expiresDays * dayMs).toISOString(),
    };
    return { file: { ...file, tokens: [...file.tokens, record] }, result: { token: generated.token, summary: summarize(record, now) } };
  });
}

/** Deletes a token from tokens.json, so it stops working within one reload interval. Throws AUTH_TOKEN_NOT_FOUND. */
export async function revokeToken(dataDir: string, name: string): Promise<TokenSummary> {
  return editTokens(dataDir, (file) => {
    const record = file.tokens.find((token) => token.name === name);
    if (record === undefined) {
      throw new GatehouseError('AUTH_TOKEN_NOT_FOUND', `token ${JSON.stringify(name.slice(0, 100))} not found in ${tokensFilePath(dataDir)}`, {
        context: { token: name.slice(0, 100) },
      });
    }
    return { file: { ...file, tokens: file.tokens.filter((token) => token !== record) }, result: summarize(record, new Date()) };
  });
}

/** Lists the tokens in file order, and the problems found in the file. */
export async function listTokens(dataDir: string, now: Date = new Date()): Promise<TokenListing> {
  const file = await readTokensFile(dataDir);
  return { tokens: file.tokens.map((record) => summarize(record, now)), issues: file.issues };
}

/** Returns whether a token record has passed its expiry time at `now`. */
export function isExpired(record: Pick<TokenRecord, 'expires'>, now: Date): boolean {
  return record.expires !== null && Date.parse(record.expires) <= now.getTime();
}

/** Throws AUTH_TOKEN_INVALID unless `name` follows the user name rules, which token names share. */
export function validateTokenName(name: string): void {
  const problem = findUserNameProblem(name);
  if (problem !== null) {
    throw new GatehouseError('AUTH_TOKEN_INVALID', `invalid token name ${JSON.stringify(name.slice(0, 100))}: ${problem.replace('user name', 'name')}`, {
      context: { token: name.slice(0, 100) },
    });
  }
}

function validateExpiresDays(days: number | undefined): void {
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= maxTokenDays)) {
    throw new GatehouseError('AUTH_TOKEN_INVALID', `invalid expiry of ${String(days)} days: expected a whole number from 1 to ${maxTokenDays}`);
  }
}

function summarize(record: TokenRecord, now: Date): TokenSummary {
  return { name: record.name, role: record.role, created: record.created, expires: record.expires, expired: isExpired(record, now) };
}

async function editTokens<T>(dataDir: string, change: (file: TokensFile) => { file: TokensFile; result: T }): Promise<T> {
  const key = tokensFilePath(dataDir);
  const previous = editQueues.get(key) ?? Promise.resolve();
  const edit = previous.catch(() => undefined).then(async () => {
    await ensureDataDir(dataDir);
    const file = await readTokensFile(dataDir);
    if (!file.wellFormed) {
      throw new GatehouseError('AUTH_TOKENS_FILE_INVALID', `${file.issues.join('; ')}; fix or move the file, then try again`, { context: { file: key } });
    }
    const { file: changed, result } = change(file);
    await writeFileAtomic(key, serializeTokensFile(changed));
    return result;
  });
  editQueues.set(key, edit);
  try {
    return await edit;
  } finally {
    if (editQueues.get(key) === edit) {
      editQueues.delete(key);
    }
  }
}

async function readTokensFile(dataDir: string): Promise<TokensFile> {
  const file = tokensFilePath(dataDir);
  try {
    return parseTokensFile(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return emptyTokensFile;
    }
    throw error;
  }
}
