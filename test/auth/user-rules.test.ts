import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isGatehouseError } from '../../src/errors/index.js';
import { findUserNameProblem, validatePassword, validateUserName } from '../../src/auth/user-rules.js';

void describe('user name rules', () => {
  const valid = ['alice', 'a', 'x'.repeat(64), 'bob.smith@home', 'zoë', 'user-1_2'];
  for (const name of valid) {
    void test(`accepts ${JSON.stringify(name)}`, () => {
      assert.equal(findUserNameProblem(name), null);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['x'.repeat(65), /65 characters/],
    ['al:ice', /":"/],
    ['al ice', /whitespace/],
    ['alice\t', /whitespace/],
    ['al\u00a0ice', /whitespace/],
    ['al\u0007ice', /control character/],
    ['al\u007fice', /control character/],
    ['#alice', /comment/],
  ];
  for (const [name, reason] of invalid) {
    void test(`rejects ${JSON.stringify(name)}`, () => {
      assert.match(findUserNameProblem(name) ?? '', reason);
    });
  }

  void test('validate throws AUTH_USER_INVALID', () => {
    assert.throws(
      () => validateUserName('bad name'),
      (error: unknown) => isGatehouseError(error) && error.code === 'AUTH_USER_INVALID' && error.message.includes('"bad name"'),
    );
  });
});

void describe('password rules', () => {
  void test('accepts 8 characters', () => {
    assert.doesNotThrow(() => validatePassword('12345678'));
  });

  void test('accepts 72 bytes', () => {
    assert.doesNotThrow(() => validatePassword('x'.repeat(72)));
  });

  void test('counts characters, not bytes, for the minimum', () => {
    assert.throws(() => validatePassword('ééééééé'), /7 characters/);
  });

  const invalid: [string, string, RegExp][] = [
    ['short', 'short1!', /fewer than the minimum of 8/],
    ['empty', '', /0 characters/],
    ['73 bytes', 'x'.repeat(73), /73 bytes/],
    ['multi-byte over 72 bytes', 'é'.repeat(37), /74 bytes/],
    ['newline', 'password\nmore', /line break/],
    ['carriage return', 'password\rmore', /line break/],
  ];
  for (const [label, password, reason] of invalid) {
    void test(`rejects ${label}`, () => {
      assert.throws(() => validatePassword(password), reason);
    });
  }

  void test('message omits the password', () => {
    assert.throws(
      () => validatePassword('secret\nvalue'),
      (error: unknown) => error instanceof Error && !error.message.includes('secret'),
    );
  });

  void test('error code is AUTH_USER_INVALID', () => {
    assert.throws(
      () => validatePassword('short'),
      (error: unknown) => isGatehouseError(error) && error.code === 'AUTH_USER_INVALID',
    );
  });
});
