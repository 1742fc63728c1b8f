import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateToken, hashTokenSecret, parseToken } from '../../src/auth/tokens-format.js';

test('generated token parses back', () => {
  const generated = generateToken();
  assert.match(generated.token, /^ght_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const parsed = parseToken(generated.token);
  assert.ok(parsed !== null);
  assert.equal(parsed.id, generated.id);
  assert.equal(parsed.secret.length, 32);
  assert.equal(hashTokenSecret(parsed.secret), generated.secretHash);
});

test('generated tokens differ', () => {
  const first = generateToken();
  const second = generateToken();
  assert.notEqual(first.id, second.id);
  assert.notEqual(first.token, second.token);
});

test('malformed tokens are rejected', () => {
  const valid = generateToken().token;
  const cases = [
    '',
    'ght_',
    valid.slice(0, -1),
    `${valid}A`,
    valid.replace('ght_', 'ghx_'),
    valid.toUpperCase(),
    ` ${valid}`,
    `${valid}\n`,
    `Bearer ${valid}`,
    valid.replace(/^ght_([0-9a-f]{16})_/, 'ght_$1-'),
    `ght_${'g'.repeat(16)}_${'A'.repeat(43)}`,
    `ght_${'a'.repeat(15)}_${'A'.repeat(44)}`,
    // 43 base64url characters carry 258 bits; a last character with the low 2 bits set is not canonical.
    `ght_${'a'.repeat(16)}_${'A'.repeat(42)}B`,
  ];
  for (const token of cases) {
    assert.equal(parseToken(token), null, JSON.stringify(token));
  }
});

test('parser never throws on any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const parsed = parseToken(text);
      assert.ok(parsed === null || parsed.secret.length === 32);
    }),
    { numRuns: 2000 },
  );
});
