import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createToken, listTokens, revokeToken, tokensFilePath } from '../../src/auth/index.js';
import { isGatehouseError } from '../../src/errors/index.js';
import { makeTempDir } from './helpers.js';

function rejectsWith(code: string): (error: unknown) => boolean {
  return (error) => isGatehouseError(error) && error.code === code;
}

test('create stores only the hash', async () => {
  const dataDir = await makeTempDir();
  const created = await createToken(dataDir, 'backup-script', 'operator');
  const text = await readFile(tokensFilePath(dataDir), 'utf8');
  const secret = created.token.slice('ght_'.length + 17);
  assert.doesNotMatch(text, new RegExp(secret.replace(/[-]/g, '\\-')));
  assert.equal(text.includes(created.token), false);
  assert.match(text, /"sha256":"[0-9a-f]{64}"/);
  assert.equal(created.summary.role, 'operator');
  assert.equal(created.summary.expires, null);
});

test('tokens file has mode 0600', async () => {
  const dataDir = await makeTempDir();
  await createToken(dataDir, 'mode-check', 'viewer');
  const mode = (await stat(tokensFilePath(dataDir))).mode & 0o777;
  assert.equal(mode, 0o600);
});

test('list shows summaries without hashes', async () => {
  const dataDir = await makeTempDir();
  const now = new Date('2026-01-01T00:00:00Z');
  await createToken(dataDir, 'one', 'viewer', { expiresDays: 2, now: () => now });
  await createToken(dataDir, 'two', 'admin', { now: () => now });
  const listing = await listTokens(dataDir, new Date('2026-01-02T00:00:00Z'));
  assert.deepEqual(listing.tokens, [
    { name: 'one', role: 'viewer', created: '2026-01-01T00:00:00.000Z', expires: '2026-01-03T00:00:00.000Z', expired: false },
    { name: 'two', role: 'admin', created: '2026-01-01T00:00:00.000Z', expires: null, expired: false },
  ]);
  const later = await listTokens(dataDir, new Date('2026-01-03T00:00:00Z'));
  assert.equal(later.tokens[0]?.expired, true);
});

test('revoke removes the token', async () => {
  const dataDir = await makeTempDir();
  await createToken(dataDir, 'gone', 'viewer');
  const revoked = await revokeToken(dataDir, 'gone');
  assert.equal(revoked.name, 'gone');
  assert.deepEqual((await listTokens(dataDir)).tokens, []);
  await assert.rejects(revokeToken(dataDir, 'gone'), rejectsWith('AUTH_TOKEN_NOT_FOUND'));
});

test('bad names, roles and expiries are rejected', async () => {
  const dataDir = await makeTempDir();
  for (const name of ['', 'with space', 'with:colon', '#comment', 'x'.repeat(65), 'tab\there']) {
    await assert.rejects(createToken(dataDir, name, 'viewer'), rejectsWith('AUTH_TOKEN_INVALID'), JSON.stringify(name));
  }
  await assert.rejects(createToken(dataDir, 'ok', 'root'), rejectsWith('AUTH_TOKEN_INVALID'));
  for (const days of [0, -1, 1.5, 3651, Number.NaN]) {
    await assert.rejects(createToken(dataDir, 'ok', 'viewer', { expiresDays: days }), rejectsWith('AUTH_TOKEN_INVALID'), String(days));
  }
  assert.deepEqual((await listTokens(dataDir)).tokens, []);
});

test('duplicate name is rejected', async () => {
  const dataDir = await makeTempDir();
  await createToken(dataDir, 'twice', 'viewer');
  await assert.rejects(createToken(dataDir, 'twice', 'admin'), rejectsWith('AUTH_TOKEN_EXISTS'));
});

test('concurrent creates keep every token', async () => {
  const dataDir = await makeTempDir();
  const names = Array.from({ length: 10 }, (_, index) => `parallel-${index}`);
  await Promise.all(names.map((name) => createToken(dataDir, name, 'viewer')));
  const listed = (await listTokens(dataDir)).tokens.map((token) => token.name).sort();
  assert.deepEqual(listed, [...names].sort());
});

test('damaged file is not rewritten', async () => {
  const dataDir = await makeTempDir();
  await writeFile(tokensFilePath(dataDir), '{ not json');
  await assert.rejects(createToken(dataDir, 'new', 'viewer'), rejectsWith('AUTH_TOKENS_FILE_INVALID'));
  assert.equal(await readFile(tokensFilePath(dataDir), 'utf8'), '{ not json');
  const listing = await listTokens(dataDir);
  assert.deepEqual(listing.tokens, []);
  assert.equal(listing.issues.length, 1);
});

test('invalid entries are kept on rewrite', async () => {
  const dataDir = await makeTempDir();
  const broken = { name: 'broken', id: 'nothex', sha256: '00', role: 'viewer', created: 'yesterday', expires: null };
  await writeFile(tokensFilePath(dataDir), JSON.stringify({ version: 1, tokens: [broken] }));
  await createToken(dataDir, 'fresh', 'viewer');
  const text = await readFile(tokensFilePath(dataDir), 'utf8');
  assert.match(text, /"name":"broken"/);
  const listing = await listTokens(dataDir);
  assert.deepEqual(listing.tokens.map((token) => token.name), ['fresh']);
  assert.match(listing.issues[0] ?? '', /entry \d is invalid \(id, sha256, created\)/);
});
