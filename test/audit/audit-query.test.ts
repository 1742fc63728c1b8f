import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { auditFolderPath, queryAudit } from '../../src/audit/index.js';
import type { AuditEvent } from '../../src/audit/index.js';
import { makeTempDir } from '../auth/helpers.js';

const dataDir = await makeTempDir();

function line(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}

await writeFixtures();

async function writeFixtures(): Promise<void> {
  const folder = auditFolderPath(dataDir);
  await mkdir(folder, { recursive: true });
  await writeFile(
    path.join(folder, 'front.jsonl'),
    line({ time: '2026-01-01T10:00:00.000Z', kind: 'login', user: 'alice', client: '192.0.2.1', source: 'front' }) +
      'not json at all\n' +
      '{"time":"2026-01-01T10:30:00.000Z","kind":"reboot","user":null,"client":null,"source":"front"}\n' +
      line({ time: '2026-01-01T12:00:00.000Z', kind: 'loginFailed', user: 'mallory', client: '192.0.2.9', source: 'front' }),
  );
  await writeFile(
    path.join(folder, 'hub.jsonl'),
    line({ time: '2026-01-01T11:00:00.000Z', kind: 'command', user: 'alice', client: '192.0.2.1', source: 'hub', detail: { nodeId: 14, payload: 'OPN', result: 'sent' } }) +
      '{"time":"2026-01-01T11:30:00.000Z"',
  );
  await writeFile(path.join(folder, 'hub.jsonl.1'), line({ time: '2026-01-01T09:00:00.000Z', kind: 'userChanged', user: 'alice', client: null, source: 'hub' }));
  await writeFile(path.join(folder, 'cli.jsonl'), line({ time: '2026-01-01T08:00:00.000Z', kind: 'tokenChanged', user: null, client: null, source: 'cli' }));
  await writeFile(path.join(folder, 'other.jsonl'), line({ time: '2026-01-01T13:00:00.000Z', kind: 'login', user: 'alice', client: null, source: 'front' }));
}

test('all sources newest first', async () => {
  const events = await queryAudit(dataDir, { limit: 100 });
  assert.deepEqual(
    events.map((event) => event.time),
    ['2026-01-01T12:00:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z', '2026-01-01T08:00:00.000Z'],
  );
});

test('malformed lines are skipped', async () => {
  const events = await queryAudit(dataDir, { limit: 100 });
  assert.equal(events.some((event) => (event.kind as string) === 'reboot'), false);
  assert.equal(events.length, 5);
});

test('limit keeps the newest', async () => {
  const events = await queryAudit(dataDir, { limit: 2 });
  assert.deepEqual(events.map((event) => event.kind), ['loginFailed', 'command']);
});

test('filter by user and kind', async () => {
  const byUser = await queryAudit(dataDir, { user: 'alice', limit: 100 });
  assert.deepEqual(byUser.map((event) => event.kind), ['command', 'login', 'userChanged']);
  const byKind = await queryAudit(dataDir, { kind: 'command', limit: 100 });
  assert.equal(byKind.length, 1);
  assert.deepEqual(byKind[0]?.detail, { nodeId: 14, payload: 'OPN', result: 'sent' });
});

test('filter by time range', async () => {
  const events = await queryAudit(dataDir, { from: new Date('2026-01-01T09:00:00Z'), to: new Date('2026-01-01T11:00:00Z'), limit: 100 });
  assert.deepEqual(events.map((event) => event.kind), ['command', 'login', 'userChanged']);
});

test('missing folder gives nothing', async () => {
  const empty = await makeTempDir();
  assert.deepEqual(await queryAudit(empty, { limit: 10 }), []);
});

test('limit outside range throws', async () => {
  await assert.rejects(queryAudit(dataDir, { limit: 0 }), RangeError);
  await assert.rejects(queryAudit(dataDir, { limit: 1001 }), RangeError);
  await assert.rejects(queryAudit(dataDir, { limit: 1.5 }), RangeError);
});
