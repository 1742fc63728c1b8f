import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runGatehouse } from '../support/processes.js';

let dir: string;
let config: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-token-cli-'));
  config = path.join(dir, 'gatehouse.yaml');
  await writeFile(config, 'dataDir: ./data\n');
});
after(() => rm(dir, { recursive: true, force: true }));

test('token help lists its commands', async () => {
  const result = await runGatehouse(['token', '--help']);
  assert.equal(result.code, 0);
  for (const command of ['create', 'list', 'revoke']) {
    assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`));
  }
});

test('token create, list, revoke', async () => {
  const created = await runGatehouse(['token', 'create', 'backup', '--role', 'viewer', '--expires-days', '30', '--config', config]);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.match(token, /^ght_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.match(created.stderr, /not shown again/);

  const file = path.join(dir, 'data', 'tokens.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await readFile(file, 'utf8')).includes(token.slice(21)), false);

  const listed = await runGatehouse(['token', 'list', '--config', config]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^backup\tviewer\t\d{4}-\d\d-\d\dT[\d:.]+Z\t\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
  assert.equal(listed.stdout.includes(token.slice(21)), false);

  const revoked = await runGatehouse(['token', 'revoke', 'backup', '--config', config]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const empty = await runGatehouse(['token', 'list', '--config', config]);
  assert.doesNotMatch(empty.stdout, /backup/);

  const audit = await readFile(path.join(dir, 'data', 'audit', 'cli.jsonl'), 'utf8');
  const events = audit.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; source: string; detail: { action: string; tokenName: string } });
  assert.deepEqual(events.map((event) => [event.kind, event.source, event.detail.action, event.detail.tokenName]), [
    ['tokenChanged', 'cli', 'created', 'backup'],
    ['tokenChanged', 'cli', 'revoked', 'backup'],
  ]);
  assert.equal(audit.includes(token.slice(21)), false);
});

test('token commands reject bad input', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['token', 'create', 'nobody-role'], /--role/],
    [['token', 'create', 'x', '--role', 'root'], /Allowed choices/],
    [['token', 'create', 'bad name', '--role', 'viewer'], /invalid token name/],
    [['token', 'create', 'x', '--role', 'viewer', '--expires-days', '0'], /from 1 to 3650/],
    [['token', 'create', 'x', '--role', 'viewer', '--expires-days', '1.5'], /from 1 to 3650/],
    [['token', 'create', 'x', '--role', 'viewer', '--expires-days', '9999'], /from 1 to 3650/],
    [['token', 'revoke', 'never-made'], /not found/],
  ];
  for (const [args, message] of cases) {
    const result = await runGatehouse([...args, '--config', config]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stdout, '', args.join(' '));
  }
  const first = await runGatehouse(['token', 'create', 'twice', '--role', 'viewer', '--config', config]);
  assert.equal(first.code, 0);
  const again = await runGatehouse(['token', 'create', 'twice', '--role', 'viewer', '--config', config]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
});

test('user commands are audited', async () => {
  const added = await runGatehouse(['user', 'add', 'carol', '--role', 'operator', '--password-stdin', '--config', config], 'carol-password-1\n');
  assert.equal(added.code, 0, added.stderr);
  const audit = await readFile(path.join(dir, 'data', 'audit', 'cli.jsonl'), 'utf8');
  const last = JSON.parse(audit.trim().split('\n').at(-1) ?? '{}') as { kind: string; user: null; detail: Record<string, unknown> };
  assert.equal(last.kind, 'userChanged');
  assert.equal(last.user, null);
  assert.equal(last.detail.action, 'added');
  assert.equal(last.detail.target, 'carol');
  assert.equal(last.detail.role, 'operator');
  assert.equal(audit.includes('carol-password-1'), false);
});
