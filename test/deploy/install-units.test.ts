import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const unitDir = fileURLToPath(new URL('../../deploy/systemd/', import.meta.url));
const unitNames = ['gatehouse.target', 'gatehouse-hub.service', 'gatehouse-front.service'] as const;
const commandTimeoutMs = 30_000;

/** Directives of one unit file: section name, then key, then every value in file order. */
type UnitFile = Map<string, Map<string, string[]>>;

/** Parse a systemd unit file, skipping comments and blank lines and keeping every value of a repeated key. */
function parseUnit(text: string): UnitFile {
  const sections: UnitFile = new Map();
  let current: Map<string, string[]> | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      current = new Map();
      sections.set(header[1] ?? '', current);
      continue;
    }
    assert.ok(current !== undefined, `directive outside a section: ${line}`);
    const equals = line.indexOf('=');
    assert.notEqual(equals, -1, `line without "=": ${line}`);
    const key = line.slice(0, equals);
    current.set(key, [...(current.get(key) ?? []), line.slice(equals + 1)]);
  }
  return sections;
}

async function readUnit(name: string): Promise<UnitFile> {
  return parseUnit(await readFile(path.join(unitDir, name), 'utf8'));
}

/** Return every value of a key, or [] when the key is absent. */
function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** Return the one value of a key, and fail the test when the key is absent or repeated. */
function single(unit: UnitFile, section: string, key: string): string {
  const found = values(unit, section, key);
  assert.equal(found.length, 1, `${section}.${key} should appear once, found ${JSON.stringify(found)}`);
  return found[0] ?? '';
}

/** Convert a systemd size such as 256M to bytes. */
function sizeBytes(value: string): number {
  const match = /^(\d+)([KMG]?)$/.exec(value);
  assert.ok(match !== null, `not a size: ${value}`);
  const factor = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2] as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * factor;
}

/** Read the --max-old-space-size in MiB from an ExecStart line. */
function heapMib(execStart: string): number {
  const match = /--max-old-space-size=(\d+)\b/.exec(execStart);
  assert.ok(match !== null, `no --max-old-space-size in ${execStart}`);
  return Number(match[1]);
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: commandTimeoutMs }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) {
        code = typeof error.code === 'number' ? error.code : -1;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

const sandboxDirectives: Array<[string, string]> = [
  ['User', 'gatehouse'],
  ['Group', 'gatehouse'],
  ['NoNewPrivileges', 'yes'],
  ['ProtectSystem', 'strict'],
  ['ProtectHome', 'yes'],
  ['PrivateTmp', 'yes'],
  ['ReadWritePaths', '/var/lib/gatehouse'],
  ['ProtectKernelTunables', 'yes'],
  ['ProtectControlGroups', 'yes'],
  ['DevicePolicy', 'closed'],
  ['Restart', 'on-failure'],
  ['Environment', 'NODE_ENV=production'],
  ['Type', 'simple'],
];

describe('systemd units', () => {
  test('verify reports nothing', { skip: existsSync('/usr/bin/systemd-analyze') ? false : 'systemd-analyze is not installed' }, async () => {
    // The units start /usr/bin/node, and verify checks that the command exists. On a host whose node
    // lives elsewhere the copies point at this node instead.
    const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-units-'));
    try {
      for (const name of unitNames) {
        const text = await readFile(path.join(unitDir, name), 'utf8');
        const runnable = existsSync('/usr/bin/node') ? text : text.replaceAll('/usr/bin/node ', `${process.execPath} `);
        await writeFile(path.join(folder, name), runnable);
      }
      const result = await run('systemd-analyze', ['verify', ...unitNames.map((name) => path.join(folder, name))]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, '');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  for (const service of ['gatehouse-hub.service', 'gatehouse-front.service']) {
    test(`${service} exposure is low`, { skip: existsSync('/usr/bin/systemd-analyze') ? false : 'systemd-analyze is not installed' }, async () => {
      // systemd-analyze rates exposure from 0.0 to 10.0; --threshold takes tenths, so 25 means 2.5.
      const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-units-'));
      try {
        await copyFile(path.join(unitDir, service), path.join(folder, service));
        const result = await run('systemd-analyze', ['security', '--offline=true', '--threshold=25', path.join(folder, service)]);

        assert.equal(result.code, 0, result.stdout.split('\n').slice(-3).join('\n'));
        assert.match(result.stdout, /Overall exposure level for gatehouse-\w+\.service: [0-2]\.\d/);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  }

  test('target enables both services', async () => {
    const target = await readUnit('gatehouse.target');

    assert.deepEqual(values(target, 'Install', 'WantedBy'), ['multi-user.target']);
    assert.deepEqual(values(target, 'Install', 'Also'), ['gatehouse-hub.service gatehouse-front.service']);
    for (const service of ['gatehouse-hub.service', 'gatehouse-front.service']) {
      const unit = await readUnit(service);
      assert.equal(single(unit, 'Unit', 'PartOf'), 'gatehouse.target', service);
      // PartOf= passes on stop and restart only; reloading the target must reach both processes too.
      assert.equal(single(unit, 'Unit', 'ReloadPropagatedFrom'), 'gatehouse.target', service);
      assert.equal(single(unit, 'Install', 'WantedBy'), 'gatehouse.target', service);
    }
  });

  test('front starts after hub', async () => {
    const front = await readUnit('gatehouse-front.service');
    const hub = await readUnit('gatehouse-hub.service');

    assert.ok(single(front, 'Unit', 'After').split(/\s+/).includes('gatehouse-hub.service'));
    assert.ok(!single(hub, 'Unit', 'After').includes('gatehouse-front.service'));
  });

  for (const service of ['gatehouse-hub.service', 'gatehouse-front.service']) {
    test(`${service} sandbox directives`, async () => {
      const unit = await readUnit(service);

      for (const [key, expected] of sandboxDirectives) {
        assert.deepEqual(values(unit, 'Service', key), [expected], `${service} ${key}`);
      }
      assert.match(single(unit, 'Service', 'RestartSec'), /^\d+s$/);
      assert.equal(single(unit, 'Service', 'SyslogIdentifier'), service.replace('.service', ''));
      assert.match(single(unit, 'Service', 'ExecStart'), /^\/usr\/bin\/node --max-old-space-size=\d+ \/opt\/gatehouse\/bin\/gatehouse\.js (hub|front) --config \/etc\/gatehouse\/gatehouse\.yaml$/);
      assert.ok(single(unit, 'Service', 'ExecStart').includes(service.includes('hub') ? ' hub ' : ' front '));
      assert.deepEqual(values(unit, 'Service', 'MemoryDenyWriteExecute'), []);
      assert.deepEqual(values(unit, 'Service', 'NotifyAccess'), []);
    });
  }

  test('hub has no capabilities', async () => {
    const hub = await readUnit('gatehouse-hub.service');

    assert.deepEqual(values(hub, 'Service', 'CapabilityBoundingSet'), ['']);
    assert.deepEqual(values(hub, 'Service', 'AmbientCapabilities'), ['']);
    assert.deepEqual(values(hub, 'Service', 'SupplementaryGroups'), ['dialout']);
    assert.deepEqual(values(hub, 'Service', 'RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX']);
  });

  test('both services reload on SIGHUP', async () => {
    for (const name of ['gatehouse-hub.service', 'gatehouse-front.service']) {
      const unit = await readUnit(name);
      assert.deepEqual(values(unit, 'Service', 'ExecReload'), ['/bin/kill -HUP $MAINPID'], name);
    }
  });

  test('hub talks only to loopback', async () => {
    const hub = await readUnit('gatehouse-hub.service');
    const front = await readUnit('gatehouse-front.service');

    assert.deepEqual(values(hub, 'Service', 'IPAddressDeny'), ['any']);
    assert.deepEqual(values(hub, 'Service', 'IPAddressAllow'), ['localhost']);
    assert.deepEqual(values(front, 'Service', 'IPAddressDeny'), []);
  });

  test('hub reaches only serial devices', async () => {
    const hub = await readUnit('gatehouse-hub.service');

    assert.deepEqual(values(hub, 'Service', 'DeviceAllow'), ['char-ttyUSB rw', 'char-ttyACM rw', '/dev/ttyAMA0 rw', '/dev/serial0 rw']);
    assert.deepEqual(values(hub, 'Service', 'PrivateDevices'), []);
  });

  test('front binds low ports only', async () => {
    const front = await readUnit('gatehouse-front.service');

    assert.deepEqual(values(front, 'Service', 'AmbientCapabilities'), ['CAP_NET_BIND_SERVICE']);
    assert.deepEqual(values(front, 'Service', 'CapabilityBoundingSet'), ['CAP_NET_BIND_SERVICE']);
    assert.deepEqual(values(front, 'Service', 'DeviceAllow'), []);
    assert.deepEqual(values(front, 'Service', 'SupplementaryGroups'), []);
    assert.deepEqual(values(front, 'Service', 'PrivateDevices'), ['yes']);
    assert.deepEqual(values(front, 'Service', 'RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX AF_NETLINK']);
    assert.deepEqual(values(front, 'Service', 'ExecReload'), ['/bin/kill -HUP $MAINPID']);
  });

  test('memory limits fit a 1 GB Pi', async () => {
    const hub = await readUnit('gatehouse-hub.service');
    const front = await readUnit('gatehouse-front.service');
    const mib = 1024 ** 2;

    const hubLimit = sizeBytes(single(hub, 'Service', 'MemoryMax'));
    const frontLimit = sizeBytes(single(front, 'Service', 'MemoryMax'));
    // V8's old space is only part of a process, so each MemoryMax leaves at least 64 MiB beyond it.
    assert.ok(heapMib(single(hub, 'Service', 'ExecStart')) * mib + 64 * mib <= hubLimit);
    assert.ok(heapMib(single(front, 'Service', 'ExecStart')) * mib + 64 * mib <= frontLimit);
    // Both together take at most half of 1 GiB, leaving the rest to the OS and the page cache.
    assert.ok(hubLimit + frontLimit <= 512 * mib);
  });
});
