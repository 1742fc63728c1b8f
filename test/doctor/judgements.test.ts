import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { judgeClock } from '../../src/doctor/clock.js';
import { judgeDataDirMode, judgeSecretFileMode } from '../../src/doctor/data-dir-modes.js';
import { failBelowBytes, judgeFreeSpace, warnBelowBytes } from '../../src/doctor/disk-space.js';
import { exitCodeOf, finding, formatFinding } from '../../src/doctor/finding.js';
import { isLoopbackAddress, judgeHubExposure, parseProcNetTcp, parseSsListeners } from '../../src/doctor/hub-exposure.js';
import { type ConfiguredPort, judgeBindPrivilege, judgePortBind, parseEffectiveCapabilities } from '../../src/doctor/ports.js';
import { judgeDevice, type DeviceInfo } from '../../src/doctor/serial-device.js';
import { groupNameOf } from '../../src/doctor/run-doctor.js';
import { expiryWarningDays, judgeExpiry } from '../../src/doctor/certificate.js';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2025-06-01T12:00:00Z');

describe('expiry judgement', () => {
  const validFrom = new Date(now.getTime() - 100 * day);
  const cases: Array<[string, Date, Date, 'ok' | 'warn' | 'fail', RegExp]> = [
    ['expired a day ago', validFrom, new Date(now.getTime() - day), 'fail', /expired on/],
    ['expires this instant', validFrom, now, 'fail', /expired on/],
    ['one hour left', validFrom, new Date(now.getTime() + 3600_000), 'warn', /in 0 days/],
    ['20 days left', validFrom, new Date(now.getTime() + 20 * day + 1000), 'warn', /in 20 days/],
    ['exactly 21 days left', validFrom, new Date(now.getTime() + expiryWarningDays * day), 'ok', /\(21 days\)/],
    ['a year left', validFrom, new Date(now.getTime() + 365 * day), 'ok', /\(365 days\)/],
    ['not yet valid', new Date(now.getTime() + day), new Date(now.getTime() + 90 * day), 'fail', /not valid before/],
  ];
  for (const [name, from, to, status, found] of cases) {
    test(name, () => {
      const result = judgeExpiry(from, to, now, 'renew it');
      assert.equal(result.status, status);
      assert.match(result.found, found);
      assert.equal(result.fix === null, status === 'ok');
    });
  }
});

describe('port bind judgement', () => {
  const https: ConfiguredPort = { key: 'front.httpsPort', port: 8443, address: '0.0.0.0' };
  test('free port is ok', () => {
    assert.equal(judgePortBind(https, { free: true }).status, 'ok');
  });
  test('port in use warns with ss', () => {
    const result = judgePortBind(https, { free: false, code: 'EADDRINUSE' });
    assert.equal(result.status, 'warn');
    assert.match(result.found, /in use: fine if Gatehouse is running/);
    assert.equal(result.fix, "find the process with `ss -ltnp 'sport = :8443'`, or change front.httpsPort");
  });
  test('permission denied fails', () => {
    const result = judgePortBind({ ...https, port: 443 }, { free: false, code: 'EACCES' });
    assert.equal(result.status, 'fail');
    assert.match(result.fix ?? '', /CAP_NET_BIND_SERVICE/);
  });
  test('foreign address fails', () => {
    const result = judgePortBind({ ...https, address: '192.0.2.7' }, { free: false, code: 'EADDRNOTAVAIL' });
    assert.equal(result.status, 'fail');
    assert.match(result.fix ?? '', /front\.listenAddress/);
  });
  test('other errno fails', () => {
    assert.equal(judgePortBind(https, { free: false, code: 'EINVAL' }).status, 'fail');
  });
});

describe('bind privilege judgement', () => {
  const low: ConfiguredPort[] = [
    { key: 'front.httpPort', port: 80, address: '0.0.0.0' },
    { key: 'front.httpsPort', port: 443, address: '0.0.0.0' },
    { key: 'hub.port', port: 8080, address: '127.0.0.1' },
  ];
  const high = low.map((item, index) => ({ ...item, port: 8000 + index }));
  const withoutCapability = 0x0000_01ff_fefe_fbffn; // bit 10 (CAP_NET_BIND_SERVICE) cleared
  const cases: Array<[string, ConfiguredPort[], number, bigint | null, number | null, 'ok' | 'fail']> = [
    ['high ports need nothing', high, 1000, 0n, 1024, 'ok'],
    ['root may bind low ports', low, 0, 0n, 1024, 'ok'],
    ['capability allows low ports', low, 1000, 1n << 10n, 1024, 'ok'],
    ['no capability fails', low, 1000, withoutCapability, 1024, 'fail'],
    ['unknown capabilities fail', low, 1000, null, 1024, 'fail'],
    ['lowered start allows 80', low, 1000, 0n, 80, 'ok'],
    ['start 444 still blocks 443', low, 1000, 0n, 444, 'fail'],
    ['unknown start means 1024', low, 1000, 0n, null, 'fail'],
  ];
  for (const [name, ports, uid, capabilities, start, status] of cases) {
    test(name, () => {
      const result = judgeBindPrivilege(ports, { uid, effectiveCapabilities: capabilities, unprivilegedPortStart: start });
      assert.equal(result.status, status);
      if (status === 'fail') {
        assert.match(result.fix ?? '', /AmbientCapabilities=CAP_NET_BIND_SERVICE/);
        assert.match(result.fix ?? '', /1024 or higher/);
      }
    });
  }
  test('CapEff is parsed as hex', () => {
    assert.equal(parseEffectiveCapabilities('Name:\tnode\nCapEff:\t0000000000000400\n'), 1n << 10n);
    assert.equal(parseEffectiveCapabilities('Name:\tnode\n'), null);
    assert.equal(parseEffectiveCapabilities('CapEff:\tzz\n'), null);
  });
});

describe('hub exposure', () => {
  test('ss output is parsed', () => {
    const text = ['LISTEN 0 511 127.0.0.1:8080 0.0.0.0:*', 'LISTEN 0 511 [::1]:8081 [::]:*', 'LISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:*', 'LISTEN 0 128 *:9000 *:*', ''].join('\n');
    assert.deepEqual(parseSsListeners(text), [
      { address: '127.0.0.1', port: 8080 },
      { address: '::1', port: 8081 },
      { address: '127.0.0.53', port: 53 },
      { address: '*', port: 9000 },
    ]);
  });
  test('proc tables are parsed', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000',
      '   1: 00000000:1F91 00000000:0000 0A 00000000:00000000',
      '   2: 0100007F:1F92 0100007F:D431 01 00000000:00000000',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp), [
      { address: '127.0.0.1', port: 8080 },
      { address: '0.0.0.0', port: 8081 },
    ]);
    const tcp6 = ['  sl  local_address remote_address st', '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A'].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp6), [{ address: '0:0:0:0:0:0:0:1', port: 8080 }]);
  });
  test('loopback addresses are recognized', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:1']) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
    for (const address of ['0.0.0.0', '*', '::', '192.168.1.2', '::ffff:10.0.0.1', '1127.0.0.1', 'fe80::1']) {
      assert.equal(isLoopbackAddress(address), false, address);
    }
  });
  test('loopback listener is ok', () => {
    assert.equal(judgeHubExposure([{ address: '127.0.0.1', port: 8080 }], 8080, 'ss').status, 'ok');
  });
  test('no listener is ok', () => {
    const result = judgeHubExposure([{ address: '0.0.0.0', port: 22 }], 8080, 'ss');
    assert.equal(result.status, 'ok');
    assert.match(result.found, /nothing listens/);
  });
  test('wildcard listener fails', () => {
    const result = judgeHubExposure([{ address: '127.0.0.1', port: 8080 }, { address: '*', port: 8080 }], 8080, 'ss');
    assert.equal(result.status, 'fail');
    assert.match(result.found, /no config key changes that/);
    assert.match(result.fix ?? '', /ss -ltnp 'sport = :8080'/);
  });
});

describe('data directory modes', () => {
  test('others may read dataDir: warn', () => {
    const result = judgeDataDirMode('/var/lib/gatehouse', 0o755);
    assert.equal(result.status, 'warn');
    assert.equal(result.fix, 'run `chmod 700 /var/lib/gatehouse`');
  });
  test('group-only dataDir is ok', () => {
    assert.equal(judgeDataDirMode('/d', 0o750).status, 'ok');
  });
  test('missing dataDir is ok', () => {
    assert.equal(judgeDataDirMode('/d', null).status, 'ok');
  });
  test('dataDir as a file fails', () => {
    assert.equal(judgeDataDirMode('/d', 'notFile').status, 'fail');
  });
  const secretCases: Array<[number | null | 'notFile', 'ok' | 'fail']> = [
    [0o600, 'ok'],
    [0o400, 'ok'],
    [0o640, 'fail'],
    [0o604, 'fail'],
    [0o644, 'fail'],
    [null, 'ok'],
    ['notFile', 'fail'],
  ];
  for (const [mode, status] of secretCases) {
    test(`secret mode ${typeof mode === 'number' ? mode.toString(8) : String(mode)}: ${status}`, () => {
      const result = judgeSecretFileMode('data-dir.secret', 'proxy secret', '/d/proxy-secret', mode);
      assert.equal(result.status, status);
      if (typeof mode === 'number' && status === 'fail') {
        assert.equal(result.fix, 'run `chmod 600 /d/proxy-secret`');
      }
    });
  }
});

describe('clock judgement', () => {
  const cases: Array<[string | null, boolean, 'ok' | 'warn', RegExp]> = [
    ['yes\n', false, 'ok', /timedatectl/],
    ['no\n', true, 'warn', /not synchronized/],
    [null, true, 'ok', /synchronized exists/],
    [null, false, 'warn', /cannot tell/],
    ['', false, 'warn', /cannot tell/],
  ];
  for (const [value, flag, status, found] of cases) {
    test(`timedatectl ${JSON.stringify(value)}, flag ${flag}`, () => {
      const result = judgeClock(value, flag);
      assert.equal(result.status, status);
      assert.match(result.found, found);
    });
  }
});

describe('free space judgement', () => {
  const cases: Array<[number, 'ok' | 'warn' | 'fail']> = [
    [0, 'fail'],
    [failBelowBytes - 1, 'fail'],
    [failBelowBytes, 'warn'],
    [warnBelowBytes - 1, 'warn'],
    [warnBelowBytes, 'ok'],
  ];
  for (const [bytes, status] of cases) {
    test(`${bytes} bytes: ${status}`, () => {
      const result = judgeFreeSpace('/data', bytes);
      assert.equal(result.status, status);
      assert.equal(result.fix === null, status === 'ok');
    });
  }
});

describe('serial device judgement', () => {
  const base: DeviceInfo = { path: '/dev/ttyUSB0', statError: null, isCharacterDevice: true, accessError: null, groupName: 'dialout', userName: 'pi' };
  test('usable device is ok', () => {
    const result = judgeDevice(base);
    assert.equal(result.finding.status, 'ok');
    assert.equal(result.usable, true);
  });
  test('missing device fails with by-id', () => {
    const result = judgeDevice({ ...base, statError: 'ENOENT' });
    assert.equal(result.finding.status, 'fail');
    assert.equal(result.usable, false);
    assert.match(result.finding.fix ?? '', /ls \/dev\/serial\/by-id\//);
  });
  test('regular file fails', () => {
    const result = judgeDevice({ ...base, isCharacterDevice: false });
    assert.equal(result.finding.status, 'fail');
    assert.match(result.finding.found, /not a character device/);
  });
  test('no access names the group', () => {
    const result = judgeDevice({ ...base, accessError: 'EACCES' });
    assert.equal(result.finding.status, 'fail');
    assert.equal(result.usable, false);
    assert.match(result.finding.fix ?? '', /usermod -aG dialout pi/);
  });
  test('unknown group falls back to dialout', () => {
    assert.match(judgeDevice({ ...base, accessError: 'EACCES', groupName: null }).finding.fix ?? '', /-aG dialout pi/);
  });
  test('group names come from /etc/group', () => {
    const etcGroup = 'root:x:0:\ntty:x:5:\ndialout:x:20:pi\n';
    assert.equal(groupNameOf(etcGroup, 20), 'dialout');
    assert.equal(groupNameOf(etcGroup, 0), 'root');
    assert.equal(groupNameOf(etcGroup, 99), null);
    assert.equal(groupNameOf('', 0), null);
  });
});

describe('findings', () => {
  test('one line per finding, with the fix', () => {
    const line = formatFinding(finding('fail', 'serial.device', 'radio.port /dev/x', 'does\nnot exist', 'check it'));
    assert.equal(line.includes('\n'), false);
    assert.match(line, /^fail serial\.device +radio\.port \/dev\/x: does not exist -- fix: check it$/);
  });
  test('line without a fix', () => {
    assert.doesNotMatch(formatFinding(finding('ok', 'disk', 'space', 'fine')), /fix:/);
  });
  test('exit code follows failures', () => {
    assert.equal(exitCodeOf([finding('ok', 'a', 'b', 'c'), finding('warn', 'a', 'b', 'c')]), 0);
    assert.equal(exitCodeOf([finding('ok', 'a', 'b', 'c'), finding('fail', 'a', 'b', 'c')]), 1);
    assert.equal(exitCodeOf([]), 0);
  });
});
