import assert from 'node:assert/strict';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ensureDataDir } from '../../src/auth/data-dir.js';
import { makeTempDir } from './helpers.js';

void describe('ensureDataDir', () => {
  void test('creates with mode 0700', async () => {
    const dataDir = path.join(await makeTempDir(), 'data');
    await ensureDataDir(dataDir);
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  });

  void test('creates missing parents', async () => {
    const dataDir = path.join(await makeTempDir(), 'a', 'b', 'data');
    await ensureDataDir(dataDir);
    assert.ok((await stat(dataDir)).isDirectory());
  });

  void test('keeps an existing mode', async () => {
    const dataDir = path.join(await makeTempDir(), 'data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o750);
    await ensureDataDir(dataDir);
    assert.equal((await stat(dataDir)).mode & 0o777, 0o750);
  });
});
