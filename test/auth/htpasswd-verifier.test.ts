import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { hashPassword } from '../../src/auth/bcrypt-hash.js';
import { usersFilePath } from '../../src/auth/data-dir.js';
import { createHtpasswdVerifier } from '../../src/auth/htpasswd-verifier.js';
import { setPassword } from '../../src/auth/users-store.js';
import { captureLogs, makeTempDir, testCost } from './helpers.js';

const run = promisify(execFile);

/** Runs `htpasswd -ciB`, which creates the file and reads the password from standard input. */
function htpasswdFromStdin(file: string, user: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('htpasswd', ['-ciB', file, user], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`htpasswd exited with ${code}: ${stderr}`));
      }
    });
    child.stdin.end(`${password}\n`);
  });
}

async function writeUsers(dataDir: string, users: Record<string, string>, cost = testCost): Promise<void> {
  const lines: string[] = [];
  for (const [name, password] of Object.entries(users)) {
    lines.push(`${name}:${await hashPassword(password, cost)}`);
  }
  await writeFile(usersFilePath(dataDir), `${lines.join('\n')}\n`);
}

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

void describe('htpasswd verifier', () => {
  void test('htpasswd -B -b file verifies', async () => {
    const dataDir = await makeTempDir();
    await run('htpasswd', ['-cbB', usersFilePath(dataDir), 'alice', 'correct horse']);
    const verifier = createHtpasswdVerifier(dataDir);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    assert.equal(await verifier.verify('alice', 'wrong horse'), false);
  });

  void test('htpasswd -B -i file verifies', async () => {
    const dataDir = await makeTempDir();
    await htpasswdFromStdin(usersFilePath(dataDir), 'bob', 'battery staple');
    const verifier = createHtpasswdVerifier(dataDir);
    assert.equal(await verifier.verify('bob', 'battery staple'), true);
    assert.equal(await verifier.verify('bob', 'battery'), false);
  });

  void test('accepts a file path', async () => {
    const directory = await makeTempDir();
    const file = path.join(directory, 'custom.htpasswd');
    await run('htpasswd', ['-cbB', file, 'alice', 'correct horse']);
    const verifier = createHtpasswdVerifier(file);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
  });

  void test('MD5 user is rejected and logged', async () => {
    const dataDir = await makeTempDir();
    await run('htpasswd', ['-cbm', usersFilePath(dataDir), 'carol', 'correct horse']);
    const { logger, records } = captureLogs();
    const verifier = createHtpasswdVerifier(dataDir, logger);
    assert.equal(await verifier.verify('carol', 'correct horse'), false);
    const warning = records.find((record) => record.msg.includes('carol'));
    assert.match(warning?.msg ?? '', /MD5 \(\$apr1\$\)/);
    assert.match(warning?.msg ?? '', /htpasswd -B/);
    assert.equal(warning?.line, 1);
  });

  void test('unknown user costs a bcrypt check', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const verifier = createHtpasswdVerifier(dataDir);
    assert.equal(await verifier.verify('mallory', 'correct horse'), false);
    assert.equal(verifier.stats().bcryptChecks, 1);
  });

  void test('unknown user takes full time', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' }, 10);
    const verifier = createHtpasswdVerifier(dataDir);
    const started = performance.now();
    await verifier.verify('mallory', 'correct horse');
    // A cost 4 check takes about 1 ms; the dummy check must use the file's cost of 10 (about 85 ms here).
    assert.ok(performance.now() - started > 30);
  });

  void test('malformed lines do not stop loading', async () => {
    const dataDir = await makeTempDir();
    const hash = await hashPassword('correct horse', testCost);
    await writeFile(usersFilePath(dataDir), `garbage\nbad name:${hash}\nalice:${hash}\n`);
    const { logger, records } = captureLogs();
    const verifier = createHtpasswdVerifier(dataDir, logger);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    const lines = records.filter((record) => record.level === 40).map((record) => record.line);
    assert.deepEqual(lines, [1, 2]);
  });

  void test('missing file rejects and warns', async () => {
    const dataDir = await makeTempDir();
    const { logger, records } = captureLogs();
    const verifier = createHtpasswdVerifier(dataDir, logger);
    assert.equal(await verifier.verify('alice', 'correct horse'), false);
    assert.ok(records.some((record) => record.msg.includes('users file not found')));
  });

  void test('cache skips bcrypt', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const verifier = createHtpasswdVerifier(dataDir);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    assert.equal(verifier.stats().bcryptChecks, 1);
    assert.equal(verifier.stats().cacheHits, 1);
  });

  void test('cache ignores a wrong password', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const verifier = createHtpasswdVerifier(dataDir);
    await verifier.verify('alice', 'correct horse');
    assert.equal(await verifier.verify('alice', 'correct horsf'), false);
    assert.equal(verifier.stats().bcryptChecks, 2);
  });

  void test('parallel checks share bcrypt', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const verifier = createHtpasswdVerifier(dataDir);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => verifier.verify('alice', 'correct horse')));
    assert.deepEqual(results, [true, true, true, true, true]);
    assert.equal(verifier.stats().bcryptChecks, 1);
  });

  void test('password change clears cache', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const verifier = createHtpasswdVerifier(dataDir, undefined, { checkIntervalMs: 0 });
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    await setPassword(dataDir, 'alice', 'battery staple', { cost: testCost });
    assert.equal(await verifier.verify('alice', 'correct horse'), false);
    assert.equal(await verifier.verify('alice', 'battery staple'), true);
    assert.equal(verifier.stats().cacheHits, 0);
  });

  void test('file checked once per interval', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const clock = fakeClock();
    const verifier = createHtpasswdVerifier(dataDir, undefined, { now: clock.now });
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    await writeUsers(dataDir, { bob: 'battery staple' });
    clock.advance(999);
    assert.equal(await verifier.verify('alice', 'correct horse'), true);
    clock.advance(1);
    assert.equal(await verifier.verify('alice', 'correct horse'), false);
    assert.equal(await verifier.verify('bob', 'battery staple'), true);
  });

  void test('cache entry expires', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'correct horse' });
    const clock = fakeClock();
    const verifier = createHtpasswdVerifier(dataDir, undefined, { now: clock.now, cacheTtlMs: 60_000 });
    await verifier.verify('alice', 'correct horse');
    clock.advance(59_999);
    await verifier.verify('alice', 'correct horse');
    assert.equal(verifier.stats().bcryptChecks, 1);
    clock.advance(1);
    await verifier.verify('alice', 'correct horse');
    assert.equal(verifier.stats().bcryptChecks, 2);
  });

  void test('cache size is bounded', async () => {
    const dataDir = await makeTempDir();
    await writeUsers(dataDir, { alice: 'password a', bob: 'password b', carol: 'password c' });
    const verifier = createHtpasswdVerifier(dataDir, undefined, { maxCacheEntries: 2 });
    await verifier.verify('alice', 'password a');
    await verifier.verify('bob', 'password b');
    await verifier.verify('carol', 'password c');
    assert.equal(verifier.stats().cachedUsers, 2);
    await verifier.verify('alice', 'password a');
    assert.equal(verifier.stats().bcryptChecks, 4);
  });
});
