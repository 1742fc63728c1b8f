import assert from 'node:assert/strict';
import { appendFile, chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { auditFilePath, auditFolderPath, createAuditLog, queryAudit } from '../../src/audit/index.js';
import { captureLogs, makeTempDir } from '../auth/helpers.js';

test('burst is one append', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  for (let index = 0; index < 50; index += 1) {
    audit.record({ kind: 'command', user: 'alice', client: '127.0.0.1', detail: { nodeId: index } });
  }
  await audit.flush();
  assert.equal(audit.stats().writes, 1);
  assert.equal(audit.stats().written, 50);
  const lines = (await readFile(auditFilePath(dataDir, 'hub'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 50);
});

test('record returns before any write', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  audit.record({ kind: 'login', user: 'alice', client: null });
  assert.equal(audit.stats().writes, 0);
  await audit.close();
  assert.equal(audit.stats().written, 1);
});

test('folder and file modes', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'front', logger);
  audit.record({ kind: 'login', user: 'alice', client: '192.0.2.1' });
  await audit.close();
  assert.equal((await stat(auditFolderPath(dataDir))).mode & 0o777, 0o700);
  assert.equal((await stat(auditFilePath(dataDir, 'front'))).mode & 0o777, 0o600);
});

test('event gets time and source', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'cli', logger, { now: () => new Date('2026-05-01T10:00:00Z') });
  audit.record({ kind: 'userChanged', user: null, client: null, detail: { action: 'added', target: 'bob' } });
  await audit.close();
  const event = JSON.parse(await readFile(auditFilePath(dataDir, 'cli'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(event, {
    time: '2026-05-01T10:00:00.000Z',
    kind: 'userChanged',
    user: null,
    client: null,
    source: 'cli',
    detail: { action: 'added', target: 'bob' },
  });
});

test('credential detail keys are dropped', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  audit.record({ kind: 'userChanged', user: 'alice', client: null, detail: { password: 'p1', secret: 's1', token: 't1', newPasswordHash: 'h1', target: 'bob' } });
  await audit.close();
  const text = await readFile(auditFilePath(dataDir, 'hub'), 'utf8');
  for (const value of ['p1', 's1', 't1', 'h1']) {
    assert.equal(text.includes(`"${value}"`), false, value);
  }
  assert.match(text, /"target":"bob"/);
});

test('rotation keeps three old files', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const now = (): Date => new Date((tick += 1000));
  const audit = createAuditLog(dataDir, 'hub', logger, { maxFileBytes: 1000, keepFiles: 3, now });
  const padding = 'x'.repeat(150);
  for (let index = 0; index < 60; index += 1) {
    audit.record({ kind: 'command', user: 'alice', client: null, detail: { index, padding } });
    await audit.flush();
  }
  await audit.close();
  const names = (await readdir(auditFolderPath(dataDir))).sort();
  assert.deepEqual(names, ['hub.jsonl', 'hub.jsonl.1', 'hub.jsonl.2', 'hub.jsonl.3']);
  for (const name of names) {
    const size = (await stat(`${auditFolderPath(dataDir)}/${name}`)).size;
    assert.ok(size <= 1000, `${name} has ${size} bytes`);
  }
  assert.ok(audit.stats().rotations >= 3);
  const newest = await queryAudit(dataDir, { limit: 1 });
  assert.equal(newest[0]?.detail?.index, 59);
});

test('unwritable folder logs and never throws', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('root ignores file permissions');
    return;
  }
  const dataDir = await makeTempDir();
  await mkdir(auditFolderPath(dataDir), { mode: 0o500 });
  const { logger, records } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  audit.record({ kind: 'login', user: 'alice', client: null });
  audit.record({ kind: 'login', user: 'alice', client: null });
  await audit.flush();
  audit.record({ kind: 'login', user: 'alice', client: null });
  await audit.close();
  assert.equal(audit.stats().dropped, 3);
  assert.equal(records.filter((record) => record.msg === 'cannot append to the audit log').length, 1);
  await chmod(auditFolderPath(dataDir), 0o700);
});

test('file in the way logs and never throws', async () => {
  const dataDir = await makeTempDir();
  await writeFile(auditFolderPath(dataDir), 'not a folder');
  const { logger, records } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  audit.record({ kind: 'login', user: 'alice', client: null });
  await audit.close();
  assert.equal(audit.stats().dropped, 1);
  assert.ok(records.some((record) => record.msg === 'cannot append to the audit log'));
  await rm(auditFolderPath(dataDir));
});

test('full queue drops and counts', async () => {
  const dataDir = await makeTempDir();
  const { logger, records } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger, { maxPendingEvents: 5 });
  for (let index = 0; index < 8; index += 1) {
    audit.record({ kind: 'login', user: 'alice', client: null });
  }
  await audit.close();
  assert.equal(audit.stats().written, 5);
  assert.equal(audit.stats().dropped, 3);
  assert.ok(records.some((record) => /audit events dropped/.test(record.msg)));
});

test('record after close is dropped', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  const audit = createAuditLog(dataDir, 'hub', logger);
  await audit.close();
  audit.record({ kind: 'login', user: 'alice', client: null });
  await audit.flush();
  assert.equal(audit.stats().dropped, 1);
  await assert.rejects(stat(auditFilePath(dataDir, 'hub')), { code: 'ENOENT' });
});

test('bad keepFiles is rejected', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  assert.throws(() => createAuditLog(dataDir, 'hub', logger, { keepFiles: 0 }), RangeError);
  assert.throws(() => createAuditLog(dataDir, 'hub', logger, { keepFiles: 10 }), RangeError);
});

test('appends keep earlier lines', async () => {
  const dataDir = await makeTempDir();
  const { logger } = captureLogs();
  await mkdir(auditFolderPath(dataDir), { recursive: true });
  await appendFile(auditFilePath(dataDir, 'hub'), 'earlier line\n');
  const audit = createAuditLog(dataDir, 'hub', logger);
  audit.record({ kind: 'login', user: 'alice', client: null });
  await audit.close();
  const lines = (await readFile(auditFilePath(dataDir, 'hub'), 'utf8')).split('\n');
  assert.equal(lines[0], 'earlier line');
  assert.match(lines[1] ?? '', /"kind":"login"/);
});
