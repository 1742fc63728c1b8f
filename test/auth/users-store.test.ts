import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { rolesFilePath, usersFilePath } from '../../src/auth/data-dir.js';
import { addUser, listUsers, removeUser, setPassword, setRole } from '../../src/auth/users-store.js';
import { isGatehouseError } from '../../src/errors/index.js';
import { makeTempDir, testCost } from './helpers.js';

const run = promisify(execFile);
const options = { cost: testCost };

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => isGatehouseError(error) && error.code === code;
}

/** Runs `htpasswd -vb`, which exits with 0 when the password matches and 3 when it does not. */
async function htpasswdVerifies(file: string, user: string, password: string): Promise<boolean> {
  try {
    await run('htpasswd', ['-vb', file, user, password]);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 3) {
      return false;
    }
    throw error;
  }
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

void describe('users store', () => {
  void test('add creates both files', async () => {
    const dataDir = path.join(await makeTempDir(), 'data');
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    const users = await readFile(usersFilePath(dataDir), 'utf8');
    const roles = await readFile(rolesFilePath(dataDir), 'utf8');
    assert.match(users, /^alice:\$2y\$04\$[./A-Za-z0-9]{53}\n$/);
    assert.equal(roles, 'admin: alice\n');
    assert.equal(await modeOf(dataDir), 0o700);
  });

  void test('files get mode 0600', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    assert.equal(await modeOf(usersFilePath(dataDir)), 0o600);
    assert.equal(await modeOf(rolesFilePath(dataDir)), 0o600);
  });

  void test('group read bit is kept', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await chmod(usersFilePath(dataDir), 0o644);
    await addUser(dataDir, 'bob', 'battery staple', 'viewer', options);
    assert.equal(await modeOf(usersFilePath(dataDir)), 0o640);
  });

  void test('no temporary files left', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await setPassword(dataDir, 'alice', 'new password', options);
    assert.deepEqual((await readdir(dataDir)).sort(), ['users.htpasswd', 'users.roles']);
  });

  void test('htpasswd -v verifies our hash', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'operator', options);
    assert.equal(await htpasswdVerifies(usersFilePath(dataDir), 'alice', 'correct horse'), true);
    assert.equal(await htpasswdVerifies(usersFilePath(dataDir), 'alice', 'wrong horse'), false);
  });

  void test('default cost is 10', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'viewer');
    assert.match(await readFile(usersFilePath(dataDir), 'utf8'), /^alice:\$2y\$10\$/);
  });

  void test('list shows role and hash kind', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await addUser(dataDir, 'bob', 'battery staple', 'operator', options);
    const listing = await listUsers(dataDir);
    assert.deepEqual(listing.users, [
      { name: 'alice', role: 'admin', hashKind: 'bcrypt' },
      { name: 'bob', role: 'operator', hashKind: 'bcrypt' },
    ]);
    assert.deepEqual(listing.issues, []);
  });

  void test('list never contains hashes', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    assert.doesNotMatch(JSON.stringify(await listUsers(dataDir)), /\$2y\$/);
  });

  void test('list of empty data dir', async () => {
    const dataDir = await makeTempDir();
    assert.deepEqual(await listUsers(dataDir), { users: [], issues: [] });
  });

  void test('list reports file problems', async () => {
    const dataDir = await makeTempDir();
    await writeFile(usersFilePath(dataDir), 'garbage\nmd5:$apr1$4yPlPzN4$JQsSa/5Rs4DlydsGIz6wk.\n');
    await writeFile(rolesFilePath(dataDir), 'staff: md5\n');
    const listing = await listUsers(dataDir);
    assert.deepEqual(listing.users, [{ name: 'md5', role: 'viewer', hashKind: 'apr1-md5' }]);
    assert.deepEqual(
      listing.issues.map((issue) => `${path.basename(issue.file)}:${issue.line}`),
      ['users.htpasswd:1', 'users.htpasswd:2', 'users.roles:1'],
    );
  });

  void test('add rejects existing name', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await assert.rejects(addUser(dataDir, 'alice', 'other password', 'viewer', options), hasCode('AUTH_USER_EXISTS'));
  });

  const badInputs: [string, string, string, string][] = [
    ['name with colon', 'al:ice', 'correct horse', 'admin'],
    ['name with space', 'al ice', 'correct horse', 'admin'],
    ['empty name', '', 'correct horse', 'admin'],
    ['short password', 'alice', 'short', 'admin'],
    ['password over 72 bytes', 'alice', 'x'.repeat(73), 'admin'],
    ['password with newline', 'alice', 'correct\nhorse', 'admin'],
    ['unknown role', 'alice', 'correct horse', 'root'],
  ];
  for (const [label, name, password, role] of badInputs) {
    void test(`add rejects ${label}`, async () => {
      const dataDir = await makeTempDir();
      // The role cast stands for a CLI caller that passes an unchecked string.
      await assert.rejects(addUser(dataDir, name, password, role as 'admin', options), hasCode('AUTH_USER_INVALID'));
      assert.deepEqual(await readdir(dataDir), []);
    });
  }

  void test('remove deletes user and role', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await addUser(dataDir, 'bob', 'battery staple', 'admin', options);
    await removeUser(dataDir, 'alice');
    assert.deepEqual(
      (await listUsers(dataDir)).users.map((user) => user.name),
      ['bob'],
    );
    assert.equal(await readFile(rolesFilePath(dataDir), 'utf8'), 'admin: bob\n');
  });

  void test('remove deletes duplicate lines', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    const line = (await readFile(usersFilePath(dataDir), 'utf8')).trim();
    await writeFile(usersFilePath(dataDir), `${line}\n${line}\n`);
    await removeUser(dataDir, 'alice');
    assert.equal(await readFile(usersFilePath(dataDir), 'utf8'), '');
  });

  void test('remove unknown user fails', async () => {
    const dataDir = await makeTempDir();
    await assert.rejects(removeUser(dataDir, 'nobody'), hasCode('AUTH_USER_NOT_FOUND'));
  });

  void test('passwd changes the hash', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await setPassword(dataDir, 'alice', 'battery staple', options);
    assert.equal(await htpasswdVerifies(usersFilePath(dataDir), 'alice', 'battery staple'), true);
    assert.equal(await htpasswdVerifies(usersFilePath(dataDir), 'alice', 'correct horse'), false);
  });

  void test('passwd replaces an MD5 hash', async () => {
    const dataDir = await makeTempDir();
    await writeFile(usersFilePath(dataDir), '# made by hand\nmd5:$apr1$4yPlPzN4$JQsSa/5Rs4DlydsGIz6wk.\n');
    await setPassword(dataDir, 'md5', 'battery staple', options);
    const listing = await listUsers(dataDir);
    assert.deepEqual(listing.users, [{ name: 'md5', role: 'viewer', hashKind: 'bcrypt' }]);
    assert.match(await readFile(usersFilePath(dataDir), 'utf8'), /^# made by hand\nmd5:\$2y\$/);
  });

  void test('passwd rejects short password', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    await assert.rejects(setPassword(dataDir, 'alice', 'short', options), hasCode('AUTH_USER_INVALID'));
  });

  void test('passwd unknown user fails', async () => {
    const dataDir = await makeTempDir();
    await assert.rejects(setPassword(dataDir, 'nobody', 'battery staple', options), hasCode('AUTH_USER_NOT_FOUND'));
  });

  void test('role change moves groups', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'viewer', options);
    await setRole(dataDir, 'alice', 'operator');
    assert.equal(await readFile(rolesFilePath(dataDir), 'utf8'), 'operator: alice\n');
  });

  void test('role change for unknown user fails', async () => {
    const dataDir = await makeTempDir();
    await assert.rejects(setRole(dataDir, 'nobody', 'admin'), hasCode('AUTH_USER_NOT_FOUND'));
  });

  void test('edits keep other lines', async () => {
    const dataDir = await makeTempDir();
    await writeFile(usersFilePath(dataDir), '# household\nbroken line\n');
    await writeFile(rolesFilePath(dataDir), '# roles\nstaff: someone\n');
    await addUser(dataDir, 'alice', 'correct horse', 'admin', options);
    assert.match(await readFile(usersFilePath(dataDir), 'utf8'), /^# household\nbroken line\nalice:\$2y\$/);
    assert.equal(await readFile(rolesFilePath(dataDir), 'utf8'), '# roles\nstaff: someone\nadmin: alice\n');
  });
});
