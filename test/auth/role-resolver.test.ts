import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { rolesFilePath, usersFilePath } from '../../src/auth/data-dir.js';
import { createRoleResolver } from '../../src/auth/role-resolver.js';
import { addUser, setRole } from '../../src/auth/users-store.js';
import { captureLogs, makeTempDir, testCost } from './helpers.js';

const hash = '$2y$05$KfN.WlG/JllSqBhTgG0eS.smXis6INrRHU3SPFnnepHLND1GR..b2';

async function writeUsers(dataDir: string, names: string[]): Promise<void> {
  await writeFile(usersFilePath(dataDir), names.map((name) => `${name}:${hash}\n`).join(''));
}

void describe('role resolver', () => {
  void test('role comes from group lines', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['alice', 'bob', 'carol', 'dave']);
    await writeFile(rolesFilePath(dataDir), 'admin: alice\noperator: bob carol\nviewer: dave\n');
    const resolver = createRoleResolver(dataDir);
    assert.equal(await resolver.roleOf('alice'), 'admin');
    assert.equal(await resolver.roleOf('bob'), 'operator');
    assert.equal(await resolver.roleOf('carol'), 'operator');
    assert.equal(await resolver.roleOf('dave'), 'viewer');
  });

  void test('ungrouped user is viewer', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['erin']);
    await writeFile(rolesFilePath(dataDir), 'admin: alice\n');
    assert.equal(await createRoleResolver(dataDir).roleOf('erin'), 'viewer');
  });

  void test('missing roles file gives viewer', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['erin']);
    assert.equal(await createRoleResolver(dataDir).roleOf('erin'), 'viewer');
  });

  void test('unknown user is null', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['alice']);
    await writeFile(rolesFilePath(dataDir), 'admin: alice mallory\n');
    assert.equal(await createRoleResolver(dataDir).roleOf('mallory'), null);
  });

  void test('missing users file gives null', async () => {
    const dataDir = await makeTempDir();
    assert.equal(await createRoleResolver(dataDir).roleOf('alice'), null);
  });

  void test('highest of several groups', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['bob']);
    await writeFile(rolesFilePath(dataDir), 'viewer: bob\noperator: bob\n');
    assert.equal(await createRoleResolver(dataDir).roleOf('bob'), 'operator');
  });

  void test('unknown group is logged', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['alice']);
    await writeFile(rolesFilePath(dataDir), 'wheel: alice\n');
    const { logger, records } = captureLogs();
    assert.equal(await createRoleResolver(dataDir, logger).roleOf('alice'), 'viewer');
    const warning = records.find((record) => record.msg.includes('"wheel"'));
    assert.equal(warning?.level, 40);
    assert.equal(warning?.line, 1);
  });

  void test('reloads after a role change', async () => {
    const dataDir = await makeTempDir();
    await addUser(dataDir, 'alice', 'correct horse', 'viewer', { cost: testCost });
    const resolver = createRoleResolver(dataDir, undefined, { checkIntervalMs: 0 });
    assert.equal(await resolver.roleOf('alice'), 'viewer');
    await setRole(dataDir, 'alice', 'admin');
    assert.equal(await resolver.roleOf('alice'), 'admin');
  });

  void test('change waits for the interval', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, ['alice']);
    let time = 0;
    const resolver = createRoleResolver(dataDir, undefined, { now: () => time });
    assert.equal(await resolver.roleOf('alice'), 'viewer');
    await writeFile(rolesFilePath(dataDir), 'admin: alice\n');
    time += 500;
    assert.equal(await resolver.roleOf('alice'), 'viewer');
    time += 500;
    assert.equal(await resolver.roleOf('alice'), 'admin');
  });
});
