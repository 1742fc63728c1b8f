import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createIdentityResolver, createToken, createTokenVerifier, revokeToken, tokensFilePath } from '../../src/auth/index.js';
import { addUser } from '../../src/auth/index.js';
import { captureLogs, makeTempDir, testCost } from './helpers.js';

/** A clock the test moves by hand; the verifier's reload interval and expiry use it. */
function fakeClock(start: string): { now: () => number; advance: (ms: number) => void } {
  let time = Date.parse(start);
  return { now: () => time, advance: (ms) => (time += ms) };
}

test('valid token verifies', async () => {
  const dataDir = await makeTempDir();
  const created = await createToken(dataDir, 'script', 'operator');
  const verifier = createTokenVerifier(dataDir);
  assert.deepEqual(await verifier.verify(created.token), { name: 'script', role: 'operator' });
});

test('malformed token is rejected', async () => {
  const dataDir = await makeTempDir();
  const created = await createToken(dataDir, 'script', 'viewer');
  const verifier = createTokenVerifier(dataDir);
  for (const token of ['', 'ght_', created.token.slice(0, -2), `${created.token} `, created.token.replace('ght_', '')]) {
    assert.equal(await verifier.verify(token), null, JSON.stringify(token));
  }
});

test('wrong secret with right id fails', async () => {
  const dataDir = await makeTempDir();
  const created = await createToken(dataDir, 'script', 'admin');
  const verifier = createTokenVerifier(dataDir);
  const prefix = created.token.slice(0, 'ght_'.length + 17);
  const forged = `${prefix}${Buffer.alloc(32, 7).toString('base64url')}`;
  assert.equal(await verifier.verify(forged), null);
});

test('unknown id fails', async () => {
  const dataDir = await makeTempDir();
  const created = await createToken(dataDir, 'script', 'admin');
  const verifier = createTokenVerifier(dataDir);
  const otherId = created.token.replace(/^ght_[0-9a-f]{16}_/, `ght_${'0'.repeat(16)}_`);
  assert.equal(await verifier.verify(otherId), null);
});

test('expired token fails', async () => {
  const dataDir = await makeTempDir();
  const clock = fakeClock('2026-03-01T00:00:00Z');
  const created = await createToken(dataDir, 'short', 'viewer', { expiresDays: 1, now: () => new Date(clock.now()) });
  const verifier = createTokenVerifier(dataDir, undefined, { now: clock.now });
  assert.deepEqual(await verifier.verify(created.token), { name: 'short', role: 'viewer' });
  clock.advance(24 * 60 * 60 * 1000);
  assert.equal(await verifier.verify(created.token), null);
});

test('revoked token fails after reload', async () => {
  const dataDir = await makeTempDir();
  const clock = fakeClock('2026-03-01T00:00:00Z');
  const created = await createToken(dataDir, 'gone', 'viewer');
  const kept = await createToken(dataDir, 'kept', 'viewer');
  const verifier = createTokenVerifier(dataDir, undefined, { now: clock.now, checkIntervalMs: 1000 });
  assert.notEqual(await verifier.verify(created.token), null);
  await revokeToken(dataDir, 'gone');
  clock.advance(1000);
  assert.equal(await verifier.verify(created.token), null);
  assert.deepEqual(await verifier.verify(kept.token), { name: 'kept', role: 'viewer' });
});

test('missing or damaged file accepts nothing', async () => {
  const dataDir = await makeTempDir();
  const { logger, records } = captureLogs();
  const clock = fakeClock('2026-03-01T00:00:00Z');
  const verifier = createTokenVerifier(dataDir, logger, { now: clock.now });
  assert.equal(await verifier.verify(`ght_${'a'.repeat(16)}_${'A'.repeat(43)}`), null);

  const created = await createToken(dataDir, 'script', 'viewer');
  await writeFile(tokensFilePath(dataDir), (await readFile(tokensFilePath(dataDir), 'utf8')).replace('"version": 1', '"version": 2'));
  clock.advance(1000);
  assert.equal(await verifier.verify(created.token), null);
  assert.ok(records.some((record) => /expected \{"version": 1/.test(record.msg)));
  assert.equal(JSON.stringify(records).includes(created.token), false);
});

test('identity resolver reads tokens and users', async () => {
  const dataDir = await makeTempDir();
  const clock = fakeClock('2026-03-01T00:00:00Z');
  await addUser(dataDir, 'alice', 'alice-password-1', 'admin', { cost: testCost });
  await createToken(dataDir, 'reader', 'viewer');
  await createToken(dataDir, 'brief', 'operator', { expiresDays: 1, now: () => new Date(clock.now()) });
  const resolver = createIdentityResolver(dataDir, undefined, { now: clock.now });
  assert.equal(await resolver.roleOf('alice'), 'admin');
  assert.equal(await resolver.roleOf('token:reader'), 'viewer');
  assert.equal(await resolver.roleOf('token:brief'), 'operator');
  assert.equal(await resolver.roleOf('token:nobody'), null);
  assert.equal(await resolver.roleOf('token:alice'), null);
  assert.equal(await resolver.roleOf('reader'), null);
  clock.advance(24 * 60 * 60 * 1000);
  assert.equal(await resolver.roleOf('token:brief'), null);
  await revokeToken(dataDir, 'reader');
  clock.advance(1000);
  assert.equal(await resolver.roleOf('token:reader'), null);
});
