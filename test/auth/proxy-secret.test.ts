import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { proxySecretFilePath } from '../../src/auth/data-dir.js';
import { loadOrCreateProxySecret, secretsEqual } from '../../src/auth/proxy-secret.js';
import { isGatehouseError } from '../../src/errors/index.js';
import { makeTempDir } from './helpers.js';

const run = promisify(execFile);
const secretModule = fileURLToPath(new URL('../../src/auth/proxy-secret.ts', import.meta.url));

function unsafeFile(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => isGatehouseError(error) && error.code === 'AUTH_FILE_UNSAFE' && pattern.test(error.message);
}

void describe('proxy secret', () => {
  void test('created as 64 hex characters', async () => {
    const dataDir = await makeTempDir();
    const secret = await loadOrCreateProxySecret(dataDir);
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(await readFile(proxySecretFilePath(dataDir), 'utf8'), `${secret}\n`);
  });

  void test('file has mode 0600', async () => {
    const dataDir = await makeTempDir();
    await loadOrCreateProxySecret(dataDir);
    assert.equal((await stat(proxySecretFilePath(dataDir))).mode & 0o777, 0o600);
  });

  void test('reused on the next call', async () => {
    const dataDir = await makeTempDir();
    const first = await loadOrCreateProxySecret(dataDir);
    assert.equal(await loadOrCreateProxySecret(dataDir), first);
  });

  void test('concurrent calls agree', async () => {
    const dataDir = await makeTempDir();
    const secrets = await Promise.all(Array.from({ length: 20 }, () => loadOrCreateProxySecret(dataDir)));
    assert.equal(new Set(secrets).size, 1);
    assert.deepEqual(await readdir(dataDir), ['proxy-secret']);
  });

  void test('concurrent processes agree', async () => {
    const dataDir = await makeTempDir();
    const script = `import { loadOrCreateProxySecret } from ${JSON.stringify(secretModule)};
process.stdout.write(await loadOrCreateProxySecret(${JSON.stringify(dataDir)}));`;
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script])),
    );
    const secrets = new Set(outputs.map((output) => output.stdout));
    assert.equal(secrets.size, 1);
    assert.match([...secrets][0] ?? '', /^[0-9a-f]{64}$/);
  });

  void test('group-readable file is rejected', async () => {
    const dataDir = await makeTempDir();
    await loadOrCreateProxySecret(dataDir);
    await chmod(proxySecretFilePath(dataDir), 0o640);
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/mode 0640.*chmod 600/));
  });

  void test('world-readable file is rejected', async () => {
    const dataDir = await makeTempDir();
    await loadOrCreateProxySecret(dataDir);
    await chmod(proxySecretFilePath(dataDir), 0o604);
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/mode 0604/));
  });

  void test('read-only owner file is accepted', async () => {
    const dataDir = await makeTempDir();
    const secret = await loadOrCreateProxySecret(dataDir);
    await chmod(proxySecretFilePath(dataDir), 0o400);
    assert.equal(await loadOrCreateProxySecret(dataDir), secret);
  });

  void test('short secret is rejected', async () => {
    const dataDir = await makeTempDir();
    await writeFile(proxySecretFilePath(dataDir), 'abcdef0123456789\n', { mode: 0o600 });
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/16 hex characters, fewer than the 64/));
  });

  void test('empty file is rejected', async () => {
    const dataDir = await makeTempDir();
    await writeFile(proxySecretFilePath(dataDir), '', { mode: 0o600 });
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/0 hex characters/));
  });

  void test('non-hex secret is rejected', async () => {
    const dataDir = await makeTempDir();
    await writeFile(proxySecretFilePath(dataDir), `${'z'.repeat(64)}\n`, { mode: 0o600 });
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/other than hexadecimal/));
  });

  void test('directory at the path is rejected', async () => {
    const dataDir = await makeTempDir();
    await mkdir(path.join(dataDir, 'proxy-secret'), { mode: 0o700 });
    await assert.rejects(loadOrCreateProxySecret(dataDir), unsafeFile(/not a regular file/));
  });
});

void describe('secretsEqual', () => {
  void test('equal strings match', () => {
    assert.equal(secretsEqual('a'.repeat(64), 'a'.repeat(64)), true);
  });

  void test('different strings differ', () => {
    assert.equal(secretsEqual('a'.repeat(64), `${'a'.repeat(63)}b`), false);
  });

  void test('different lengths differ', () => {
    assert.equal(secretsEqual('abc', 'abcd'), false);
  });

  void test('empty against secret differs', () => {
    assert.equal(secretsEqual('', 'a'.repeat(64)), false);
  });
});
