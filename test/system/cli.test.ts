import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runGatehouse } from '../support/processes.js';

let dir: string;
let config: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-cli-'));
  config = path.join(dir, 'gatehouse.yaml');
  await writeFile(config, 'dataDir: ./data\n');
});
after(() => rm(dir, { recursive: true, force: true }));

test('help lists every command', async () => {
  const result = await runGatehouse(['--help']);
  assert.equal(result.code, 0);
  for (const command of ['start', 'front', 'hub', 'simulate', 'user']) {
    assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`));
  }
  const userHelp = await runGatehouse(['user', '--help']);
  assert.equal(userHelp.code, 0);
  for (const command of ['add', 'list', 'remove', 'passwd']) {
    assert.match(userHelp.stdout, new RegExp(`\\n  ${command}\\b`));
  }
});

test('unknown command exits 2', async () => {
  const result = await runGatehouse(['launch']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command/);
});

test('invalid config exits 2 naming the key', async () => {
  const bad = path.join(dir, 'bad.yaml');
  await writeFile(bad, 'front:\n  httpsPort: https\nradio:\n  baudrate: 115200\n');
  for (const command of ['hub', 'front', 'start']) {
    const result = await runGatehouse([command, '--config', bad]);
    assert.equal(result.code, 2, command);
    assert.match(result.stderr, /front\.httpsPort: got "https", expected a TCP port number/, command);
    assert.match(result.stderr, /unknown key "radio\.baudrate"/, command);
  }
});

test('bad node types exit 2', async () => {
  const bad = path.join(dir, 'bad-types.yaml');
  await writeFile(bad, 'nodeTypes:\n  A: { extends: B }\n  B: { extends: A }\nnodes:\n  "14": { type: GarageMoat }\n');
  const result = await runGatehouse(['hub', '--config', bad]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /nodeTypes\.A\.extends: got "B", makes a cycle \(A -> B -> A\)/);
  assert.match(result.stderr, /nodes\.14\.type: got "GarageMoat", is not a node type: use one of .*GarageMote/);
});

test('user add, list, passwd, remove', async () => {
  const added = await runGatehouse(['user', 'add', 'dora', '--role', 'operator', '--password-stdin', '--config', config], 'first-password\n');
  assert.equal(added.code, 0, added.stderr);
  const htpasswd = await readFile(path.join(dir, 'data', 'users.htpasswd'), 'utf8');
  assert.match(htpasswd, /^dora:\$2[aby]\$\d\d\$/m);
  assert.doesNotMatch(htpasswd, /first-password/);

  const listed = await runGatehouse(['user', 'list', '--config', config]);
  assert.equal(listed.code, 0);
  assert.match(listed.stdout, /^dora\toperator\tbcrypt$/m);

  const changed = await runGatehouse(['user', 'passwd', 'dora', '--password-stdin', '--config', config], 'second-password\n');
  assert.equal(changed.code, 0, changed.stderr);
  assert.notEqual(await readFile(path.join(dir, 'data', 'users.htpasswd'), 'utf8'), htpasswd);

  const removed = await runGatehouse(['user', 'remove', 'dora', '--config', config]);
  assert.equal(removed.code, 0, removed.stderr);
  const after = await runGatehouse(['user', 'list', '--config', config]);
  assert.doesNotMatch(after.stdout, /dora/);
});

test('user commands reject bad input', async () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['user', 'add', 'bad:name', '--password-stdin'], 'long-enough-1\n', /name/i],
    [['user', 'add', 'shorty', '--password-stdin'], 'short\n', /fewer than the minimum of 8/],
    [['user', 'add', 'roley', '--role', 'root', '--password-stdin'], 'long-enough-1\n', /root.*invalid|invalid.*root|Allowed choices/i],
    [['user', 'remove', 'nobody'], '', /not found/],
    [['user', 'passwd', 'nobody', '--password-stdin'], 'long-enough-1\n', /not found/],
    [['user', 'add', 'nopass'], '', /--password-stdin/],
  ];
  for (const [args, input, message] of cases) {
    const result = await runGatehouse([...args, '--config', config], input);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
  }
  const duplicate = await runGatehouse(['user', 'add', 'twice', '--password-stdin', '--config', config], 'long-enough-1\n');
  assert.equal(duplicate.code, 0);
  const again = await runGatehouse(['user', 'add', 'twice', '--password-stdin', '--config', config], 'long-enough-1\n');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists/);
});
