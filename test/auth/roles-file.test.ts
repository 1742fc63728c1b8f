import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assignRole, higherRole, parseRolesFile } from '../../src/auth/roles-file.js';

void describe('parseRolesFile', () => {
  void test('maps members to their group', () => {
    const parsed = parseRolesFile('admin: alice\noperator: bob carol\nviewer: dave\n', 'roles');
    assert.equal(parsed.roles.get('alice'), 'admin');
    assert.equal(parsed.roles.get('bob'), 'operator');
    assert.equal(parsed.roles.get('carol'), 'operator');
    assert.equal(parsed.roles.get('dave'), 'viewer');
    assert.deepEqual(parsed.issues, []);
  });

  void test('several groups give the highest', () => {
    const parsed = parseRolesFile('viewer: bob\nadmin: bob\noperator: bob\n', 'roles');
    assert.equal(parsed.roles.get('bob'), 'admin');
  });

  void test('group may span lines', () => {
    const parsed = parseRolesFile('operator: bob\noperator:\tcarol  \n', 'roles');
    assert.equal(parsed.roles.get('bob'), 'operator');
    assert.equal(parsed.roles.get('carol'), 'operator');
  });

  void test('unknown group warns and is ignored', () => {
    const parsed = parseRolesFile('# groups\nstaff: alice\nadmin: bob\n', 'users.roles');
    assert.equal(parsed.roles.has('alice'), false);
    assert.equal(parsed.roles.get('bob'), 'admin');
    assert.equal(parsed.issues.length, 1);
    assert.equal(parsed.issues[0]?.line, 2);
    assert.match(parsed.issues[0]?.message ?? '', /"staff" is not a role/);
  });

  void test('line without colon is reported', () => {
    const parsed = parseRolesFile('admin alice\n', 'roles');
    assert.equal(parsed.roles.size, 0);
    assert.equal(parsed.issues[0]?.line, 1);
    assert.match(parsed.issues[0]?.message ?? '', /no ":"/);
  });

  void test('invalid member name is skipped', () => {
    const parsed = parseRolesFile('admin: al:ice bob\n', 'roles');
    assert.equal(parsed.roles.has('al:ice'), false);
    assert.equal(parsed.roles.get('bob'), 'admin');
    assert.equal(parsed.issues.length, 1);
  });

  void test('random text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseRolesFile(text, 'roles');
        assert.ok(parsed.lines.length >= 0);
      }),
    );
  });
});

void describe('higherRole', () => {
  void test('admin beats operator', () => {
    assert.equal(higherRole('operator', 'admin'), 'admin');
  });

  void test('operator beats viewer', () => {
    assert.equal(higherRole('operator', 'viewer'), 'operator');
  });
});

void describe('assignRole', () => {
  const file = parseRolesFile('# roles\nadmin: alice\noperator: bob carol\nstaff: bob\n', 'roles');

  void test('moves a user between groups', () => {
    assert.deepEqual(assignRole(file, 'bob', 'admin'), ['# roles', 'admin: alice bob', 'operator: carol', 'staff: bob']);
  });

  void test('appends a missing group', () => {
    assert.deepEqual(assignRole(file, 'dave', 'viewer'), ['# roles', 'admin: alice', 'operator: bob carol', 'staff: bob', 'viewer: dave']);
  });

  void test('null removes from role groups only', () => {
    assert.deepEqual(assignRole(file, 'bob', null), ['# roles', 'admin: alice', 'operator: carol', 'staff: bob']);
  });

  void test('drops a group line left empty', () => {
    assert.deepEqual(assignRole(file, 'alice', 'operator'), ['# roles', 'operator: bob carol alice', 'staff: bob']);
  });

  void test('same role leaves lines unchanged', () => {
    assert.deepEqual(assignRole(file, 'alice', 'admin'), ['# roles', 'admin: alice', 'operator: bob carol', 'staff: bob']);
  });
});
