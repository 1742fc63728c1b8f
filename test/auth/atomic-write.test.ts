import assert from 'node:assert/strict';
import { chmod, chown, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { writeFileAtomic } from '../../src/auth/atomic-write.js';
import { makeTempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;

void describe('writeFileAtomic', () => {
  void test('creates a 0600 file', async () => {
    const file = path.join(await makeTempDir(), 'users.htpasswd');
    await writeFileAtomic(file, 'alice:x\n');
    assert.equal(await readFile(file, 'utf8'), 'alice:x\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  void test('replaces the inode', async () => {
    const file = path.join(await makeTempDir(), 'users.htpasswd');
    await writeFile(file, 'old\n');
    const before = await stat(file);
    await writeFileAtomic(file, 'new\n');
    assert.notEqual((await stat(file)).ino, before.ino);
    assert.equal(await readFile(file, 'utf8'), 'new\n');
  });

  void test('narrows a loose mode', async () => {
    const file = path.join(await makeTempDir(), 'users.htpasswd');
    await writeFile(file, 'old\n');
    await chmod(file, 0o666);
    await writeFileAtomic(file, 'new\n');
    assert.equal((await stat(file)).mode & 0o777, 0o640);
  });

  void test('keeps 0600 without group read', async () => {
    const file = path.join(await makeTempDir(), 'users.htpasswd');
    await writeFile(file, 'old\n');
    await chmod(file, 0o604);
    await writeFileAtomic(file, 'new\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  void test('leaves no temporary file', async () => {
    const directory = await makeTempDir();
    await writeFileAtomic(path.join(directory, 'users.roles'), 'admin: alice\n');
    assert.deepEqual(await readdir(directory), ['users.roles']);
  });

  void test('failed rename cleans up', async () => {
    const directory = await makeTempDir();
    // Renaming a file over a non-empty directory fails, which stands for any failure after the write.
    const target = path.join(directory, 'target');
    await mkdir(path.join(target, 'child'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'data\n'));
    assert.deepEqual(await readdir(directory), ['target']);
  });

  void test('keeps owner and group', { skip: isRoot ? false : 'needs root to chown' }, async () => {
    const file = path.join(await makeTempDir(), 'users.htpasswd');
    await writeFile(file, 'old\n');
    await chown(file, 65534, 65534);
    await writeFileAtomic(file, 'new\n');
    const stats = await stat(file);
    assert.equal(stats.uid, 65534);
    assert.equal(stats.gid, 65534);
  });
});
