import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../../src/config/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const installScript = path.join(repoRoot, 'deploy/install.sh');
const uninstallScript = path.join(repoRoot, 'deploy/uninstall.sh');
const unitNames = ['gatehouse.target', 'gatehouse-hub.service', 'gatehouse-front.service'];
/** Bounded wait for one command. An install took 3 to 8 s on a busy 2-core VM. */
const scriptTimeoutMs = 60_000;

const packageJson = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const isRoot = process.getuid?.() === 0;
const missingTools = ['useradd', 'groupadd', 'usermod', 'userdel', 'systemctl', 'npm'].filter(
  (tool) => !['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((folder) => existsSync(path.join(folder, tool))),
);
function installSkipReason(): string | false {
  if (!isRoot) {
    return 'needs root: useradd --root and chown need uid 0';
  }
  return missingTools.length > 0 ? `missing ${missingTools.join(', ')}` : false;
}
const installSkip = installSkipReason();

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Exit status of a finished child: 0, its code, or -1 when it was killed by a signal or the timeout. */
function exitCode(error: { code?: unknown } | null): number {
  if (error === null) {
    return 0;
  }
  return typeof error.code === 'number' ? error.code : -1;
}

/** Run a command with a bounded wait, writing `input` to its standard input. */
function runCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: options.env ?? process.env, timeout: scriptTimeoutMs }, (error, stdout, stderr) => {
      resolve({ code: exitCode(error), stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Run a script with TMPDIR inside the test's folder, so its temporary files stay there too. */
function runScript(script: string, args: string[], options: { tmp: string; asNobody?: boolean }): Promise<ScriptResult> {
  const env = { ...process.env, TMPDIR: options.tmp };
  if (options.asNobody === true) {
    return runCommand('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, ...args], { env });
  }
  return runCommand('bash', [script, ...args], { env });
}

/**
 * Write a minimal root folder: the account files useradd and usermod edit, a login.defs with
 * Debian's ranges for system ids, nologin and multi-user.target.
 */
async function makeRoot(parent: string): Promise<string> {
  const root = path.join(parent, 'root');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
  await mkdir(path.join(root, 'usr/lib/systemd/system'), { recursive: true });

  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  await writeFile(path.join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  await writeFile(path.join(root, 'etc/gshadow'), 'root:*::\n', { mode: 0o640 });
  const loginDefs = ['UID_MIN 1000', 'UID_MAX 60000', 'SYS_UID_MIN 100', 'SYS_UID_MAX 999', 'GID_MIN 1000', 'GID_MAX 60000', 'SYS_GID_MIN 100', 'SYS_GID_MAX 999', 'USERGROUPS_ENAB yes'];
  await writeFile(path.join(root, 'etc/login.defs'), `${loginDefs.join('\n')}\n`);
  await writeFile(path.join(root, 'usr/sbin/nologin'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  await writeFile(path.join(root, 'usr/lib/systemd/system/multi-user.target'), '[Unit]\nDescription=Multi-User System\n');
  return root;
}

/** Sorted relative paths of everything under a folder. */
async function listTree(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).sort();
}

/** Find the fields of one account line in a passwd or group file, or undefined when the name is absent. */
async function accountFields(file: string, name: string): Promise<string[] | undefined> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.startsWith(`${name}:`));
  assert.ok(lines.length <= 1, `${name} appears ${lines.length} times in ${file}`);
  return lines[0]?.split(':');
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o7777;
}

describe('install.sh in a throwaway root', { skip: installSkip }, () => {
  let tmp = '';
  let root = '';
  let uid = -1;
  let gid = -1;
  let hostPasswd = '';

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'gatehouse-install-'));
    root = await makeRoot(tmp);
    hostPasswd = await readFile('/etc/passwd', 'utf8');
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  // The tests below run in order on one root: install, checks, second install, uninstall, purge.

  test('first install succeeds', async () => {
    const result = await runScript(installScript, ['--root', root], { tmp });

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /created group dialout/);
    assert.match(result.stdout, /created system user gatehouse \(uid \d+\)/);
    assert.match(result.stdout, /added gatehouse to group dialout/);
    assert.match(result.stdout, /wrote .*\/etc\/gatehouse\/gatehouse\.yaml/);
    assert.match(result.stdout, /enabled gatehouse\.target/);
    // The bare root has neither node nor openssl, and the script warns about both.
    assert.match(result.stderr, /usr\/bin\/node is missing/);
    assert.match(result.stderr, /usr\/bin\/openssl is missing/);
  });

  test('system user and groups', async () => {
    const user = await accountFields(path.join(root, 'etc/passwd'), 'gatehouse');
    assert.ok(user !== undefined, 'no user gatehouse');
    uid = Number(user[2]);
    gid = Number(user[3]);

    // SYS_UID_MIN and SYS_UID_MAX in the root's login.defs.
    assert.ok(uid >= 100, `uid ${uid} is below the system range`);
    assert.ok(uid <= 999, `uid ${uid} is above the system range`);
    assert.equal(user[5], '/var/lib/gatehouse');
    assert.equal(user[6], '/usr/sbin/nologin');
    const group = await accountFields(path.join(root, 'etc/group'), 'gatehouse');
    assert.equal(group?.[2], String(gid));
    const dialout = await accountFields(path.join(root, 'etc/group'), 'dialout');
    assert.deepEqual(dialout?.[3]?.split(','), ['gatehouse']);
    assert.equal(await readFile('/etc/passwd', 'utf8'), hostPasswd, 'the host passwd file changed');
  });

  test('app is owned by root', async () => {
    const app = path.join(root, 'opt/gatehouse');
    const top = await stat(app);

    assert.equal(top.uid, 0);
    assert.equal(top.gid, 0);
    assert.equal(top.mode & 0o7777, 0o755);
    for (const file of ['bin/gatehouse.js', 'dist/server/cli/main.js', 'dist/web/index.html', 'package.json', 'package-lock.json']) {
      assert.ok(existsSync(path.join(app, file)), `${file} is missing`);
    }
    assert.equal(await modeOf(path.join(app, 'bin/gatehouse.js')), 0o755);

    const wrong: string[] = [];
    for (const relative of await listTree(app)) {
      const entry = await lstat(path.join(app, relative));
      if (entry.uid !== 0 || entry.gid !== 0 || (!entry.isSymbolicLink() && (entry.mode & 0o022) !== 0)) {
        wrong.push(`${relative} ${entry.uid}:${entry.gid} ${(entry.mode & 0o7777).toString(8)}`);
      }
    }
    assert.deepEqual(wrong.slice(0, 5), []);
    assert.ok(!existsSync(path.join(root, 'opt/gatehouse.new')));
  });

  test('app has no dev dependencies', () => {
    const modules = path.join(root, 'opt/gatehouse/node_modules');

    for (const name of Object.keys(packageJson.devDependencies)) {
      assert.ok(!existsSync(path.join(modules, name)), `dev dependency ${name} was copied`);
    }
    for (const name of Object.keys(packageJson.dependencies)) {
      assert.ok(existsSync(path.join(modules, name, 'package.json')), `dependency ${name} is missing`);
    }
  });

  test('installed app runs', async () => {
    const cli = path.join(root, 'opt/gatehouse/bin/gatehouse.js');
    const version = await runCommand(process.execPath, [cli, '--version']);

    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), packageJson.version);

    // A config in the test folder points the data folder into the root, so nothing lands on the host.
    const configFile = path.join(tmp, 'smoke.yaml');
    await writeFile(configFile, `dataDir: ${path.join(root, 'var/lib/gatehouse')}\n`);
    const added = await runCommand(process.execPath, [cli, 'user', 'add', 'alice', '--role', 'admin', '--password-stdin', '--config', configFile], {
      input: 'correct-horse-battery-staple\n',
    });

    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added user alice with role admin/);
    assert.ok(existsSync(path.join(root, 'var/lib/gatehouse/users.htpasswd')));
  });

  test('config is written once', async () => {
    const file = path.join(root, 'etc/gatehouse/gatehouse.yaml');
    const info = await stat(file);

    assert.equal(info.mode & 0o7777, 0o640);
    assert.equal(info.uid, 0);
    assert.equal(info.gid, gid);
    assert.equal(await modeOf(path.join(root, 'etc/gatehouse')), 0o750);
    const loaded = loadConfig(file);
    assert.equal(loaded.dataDir, '/var/lib/gatehouse');
    assert.equal(loaded.config.radio[0]?.port, '/dev/serial0');
    assert.equal(loaded.config.front.httpsPort, 443);
  });

  test('data folder is private', async () => {
    const info = await stat(path.join(root, 'var/lib/gatehouse'));

    assert.equal(info.mode & 0o7777, 0o700);
    assert.equal(info.uid, uid);
    assert.equal(info.gid, gid);
  });

  test('units are installed and enabled', async () => {
    const unitDir = path.join(root, 'etc/systemd/system');

    for (const name of unitNames) {
      const installed = path.join(unitDir, name);
      assert.equal(await readFile(installed, 'utf8'), await readFile(path.join(repoRoot, 'deploy/systemd', name), 'utf8'), name);
      assert.equal(await modeOf(installed), 0o644, name);
      assert.equal((await stat(installed)).uid, 0, name);
    }
    assert.equal(await readlink(path.join(unitDir, 'multi-user.target.wants/gatehouse.target')), '/etc/systemd/system/gatehouse.target');
    assert.equal(await readlink(path.join(unitDir, 'gatehouse.target.wants/gatehouse-hub.service')), '/etc/systemd/system/gatehouse-hub.service');
    assert.equal(await readlink(path.join(unitDir, 'gatehouse.target.wants/gatehouse-front.service')), '/etc/systemd/system/gatehouse-front.service');
  });

  test('second install keeps config and data', async () => {
    const config = path.join(root, 'etc/gatehouse/gatehouse.yaml');
    await appendFile(config, 'log:\n  level: debug\n');
    await chmod(config, 0o600);
    const editedConfig = await readFile(config, 'utf8');
    const dataFile = path.join(root, 'var/lib/gatehouse/tokens.json');
    await writeFile(dataFile, '{"tokens":[]}\n', { mode: 0o600 });
    const users = await readFile(path.join(root, 'var/lib/gatehouse/users.htpasswd'), 'utf8');
    const stale = path.join(root, 'opt/gatehouse/stale.js');
    await writeFile(stale, '// left by an older version\n');

    const result = await runScript(installScript, ['--root', root], { tmp });

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kept existing user gatehouse/);
    assert.match(result.stdout, /kept existing .*gatehouse\.yaml/);
    assert.match(result.stdout, /upgraded .*\/opt\/gatehouse/);
    assert.doesNotMatch(result.stdout, /created|added gatehouse/);
    assert.equal(await readFile(config, 'utf8'), editedConfig);
    assert.equal(await modeOf(config), 0o600);
    assert.equal(await readFile(dataFile, 'utf8'), '{"tokens":[]}\n');
    assert.equal(await readFile(path.join(root, 'var/lib/gatehouse/users.htpasswd'), 'utf8'), users);
    assert.ok(!existsSync(stale), 'the old app was not replaced');
    assert.equal((await accountFields(path.join(root, 'etc/passwd'), 'gatehouse'))?.[2], String(uid));
    assert.deepEqual((await accountFields(path.join(root, 'etc/group'), 'dialout'))?.[3]?.split(','), ['gatehouse']);
  });

  test('uninstall keeps config and data', async () => {
    const result = await runScript(uninstallScript, ['--root', root], { tmp });
    const unitDir = path.join(root, 'etc/systemd/system');

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /disabled and deleted gatehouse\.target gatehouse-hub\.service gatehouse-front\.service/);
    for (const name of unitNames) {
      assert.ok(!existsSync(path.join(unitDir, name)), name);
    }
    assert.ok(!existsSync(path.join(unitDir, 'multi-user.target.wants/gatehouse.target')));
    assert.ok(!existsSync(path.join(unitDir, 'gatehouse.target.wants')));
    assert.ok(!existsSync(path.join(root, 'opt/gatehouse')));
    assert.ok(existsSync(path.join(root, 'etc/gatehouse/gatehouse.yaml')));
    assert.ok(existsSync(path.join(root, 'var/lib/gatehouse/tokens.json')));
    assert.ok((await accountFields(path.join(root, 'etc/passwd'), 'gatehouse')) !== undefined);
  });

  test('uninstall purge deletes everything', async () => {
    const result = await runScript(uninstallScript, ['--root', root, '--purge'], { tmp });

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no Gatehouse units/);
    assert.match(result.stdout, /deleted user gatehouse/);
    assert.ok(!existsSync(path.join(root, 'etc/gatehouse')));
    assert.ok(!existsSync(path.join(root, 'var/lib/gatehouse')));
    assert.equal(await accountFields(path.join(root, 'etc/passwd'), 'gatehouse'), undefined);
    assert.equal(await accountFields(path.join(root, 'etc/group'), 'gatehouse'), undefined);
    assert.ok((await accountFields(path.join(root, 'etc/group'), 'dialout')) !== undefined);
  });
});

describe('install.sh bad input', () => {
  let tmp = '';
  let root = '';
  let untouched: string[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'gatehouse-install-bad-'));
    root = await makeRoot(tmp);
    untouched = await listTree(root);
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('unknown option', async () => {
    const result = await runScript(installScript, ['--root', root, '--bogus'], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option "--bogus"/);
    assert.deepEqual(await listTree(root), untouched);
  });

  test('root without a value', async () => {
    const result = await runScript(installScript, ['--root'], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /--root needs a folder/);
  });

  test('missing root folder', async () => {
    const missing = path.join(tmp, 'no-such-root');
    const result = await runScript(installScript, ['--root', missing], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /no such folder/);
    assert.ok(result.stderr.includes(missing));
    assert.ok(!existsSync(missing));
  });

  test('source without a build', { skip: installSkip }, async () => {
    const source = path.join(tmp, 'unbuilt');
    await mkdir(source);
    for (const file of ['package.json', 'package-lock.json', 'bin', 'deploy/systemd']) {
      await cp(path.join(repoRoot, file), path.join(source, file), { recursive: true });
    }

    const result = await runScript(installScript, ['--root', root, '--source', source], { tmp });

    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no build \(dist\/server\/cli\/main\.js is missing\)/);
    assert.match(result.stderr, /npm ci && npm run build/);
    assert.deepEqual(await listTree(root), untouched);
  });

  test('source is not a checkout', { skip: installSkip }, async () => {
    const source = path.join(tmp, 'empty');
    await mkdir(source);

    const result = await runScript(installScript, ['--root', root, '--source', source], { tmp });

    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not a Gatehouse checkout: package\.json is missing/);
    assert.deepEqual(await listTree(root), untouched);
  });

  test('missing source folder', { skip: installSkip }, async () => {
    const result = await runScript(installScript, ['--root', root, '--source', path.join(tmp, 'nowhere')], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /--source .*nowhere: no such folder/);
  });

  test('real root needs uid 0', { skip: isRoot && !existsSync('/usr/bin/setpriv') ? 'setpriv is missing' : false }, async () => {
    // As root the scripts run through setpriv as nobody, who could not change the system anyway.
    // nobody may not enter the checkout (a clone into `mktemp -d` is 0700), so the scripts run from a
    // copy in a folder that everyone may read.
    const shared = path.join(tmp, 'shared-deploy');
    await cp(path.join(repoRoot, 'deploy'), shared, { recursive: true });
    await chmod(tmp, 0o755);
    await chmod(shared, 0o755);
    for (const script of [path.join(shared, 'install.sh'), path.join(shared, 'uninstall.sh')]) {
      const result = await runScript(script, [], { tmp, asNobody: isRoot });

      assert.equal(result.code, 1, path.basename(script));
      assert.match(result.stderr, /needs root \(uid 0\)/, path.basename(script));
      assert.match(result.stderr, /sudo/, path.basename(script));
    }
  });
});

describe('uninstall.sh bad input', () => {
  let tmp = '';

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'gatehouse-uninstall-bad-'));
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('unknown option', async () => {
    const result = await runScript(uninstallScript, ['--root', tmp, '--force'], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option "--force"/);
  });

  test('missing root folder', async () => {
    const result = await runScript(uninstallScript, ['--root', path.join(tmp, 'gone'), '--purge'], { tmp });

    assert.equal(result.code, 2);
    assert.match(result.stderr, /no such folder/);
  });

  test('empty root is a no-op', async () => {
    const result = await runScript(uninstallScript, ['--root', tmp], { tmp });

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no Gatehouse units/);
    assert.deepEqual(await listTree(tmp), []);
  });
});
