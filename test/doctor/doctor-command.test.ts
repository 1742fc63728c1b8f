import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SerialPort } from 'serialport';

import { freePort, runGatehouse } from '../support/processes.js';
import { PtyPair } from '../support/pty-pair.js';
import { makeCurrentCertificate, makeExpiredCertificate, type PemFiles } from './fixtures.js';
import { isRealisticPacket, readSampleStream } from './samples.js';
import { receiveAtWrongBaud } from './uart-model.js';

/** Seconds each doctor run reads the pty. The tests write every 100 ms, well within that. */
const serialSeconds = '0.6';
const testTimeout = { timeout: 30_000 };

interface Finding {
  status: string;
  id: string;
  subject: string;
  found: string;
  fix: string | null;
}

let root: string;
let folderCount = 0;
let goodPair: PemFiles;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gatehouse-doctor-'));
  goodPair = await makeCurrentCertificate(path.join(root, 'good-tls'), 90);
});
after(() => rm(root, { recursive: true, force: true }));

interface Setup {
  folder: string;
  configFile: string;
  ports: { http: number; https: number; hub: number };
}

/** Writes a config with free loopback ports, a 0700 data directory and the given radio port and certificate. */
async function makeSetup(radioPort: string, pair: PemFiles | null = goodPair, extra = '', radioYaml?: string[]): Promise<Setup> {
  folderCount += 1;
  const folder = path.join(root, `setup-${folderCount}`);
  await mkdir(path.join(folder, 'data'), { recursive: true, mode: 0o700 });
  await chmod(path.join(folder, 'data'), 0o700);
  const ports = { http: await freePort(), https: await freePort(), hub: await freePort() };
  const lines = [
    'dataDir: ./data',
    'front:',
    '  listenAddress: 127.0.0.1',
    `  httpPort: ${ports.http}`,
    `  httpsPort: ${ports.https}`,
    ...(pair === null ? [] : [`  certFile: ${pair.certFile}`, `  keyFile: ${pair.keyFile}`]),
    'hub:',
    `  port: ${ports.hub}`,
    ...(radioYaml ?? ['radio:', `  port: ${radioPort}`, '  baudRate: 115200']),
    extra,
  ];
  const configFile = path.join(folder, 'gatehouse.yaml');
  await writeFile(configFile, lines.join('\n'));
  return { folder, configFile, ports };
}

async function doctorJson(setup: Setup): Promise<{ code: number | null; findings: Finding[]; stderr: string }> {
  const result = await runGatehouse(['doctor', '--config', setup.configFile, '--json', '--serial-seconds', serialSeconds]);
  return { code: result.code, findings: JSON.parse(result.stdout) as Finding[], stderr: result.stderr };
}

function findingOf(findings: Finding[], id: string): Finding {
  const found = findings.find((item) => item.id === id);
  assert.ok(found, `no finding ${id} in ${JSON.stringify(findings.map((item) => item.id))}`);
  return found;
}

/** Writes `bytes` to the pty every 100 ms while `run` goes on, so the doctor reads them whenever it opens the port. */
async function whileSending<T>(pty: PtyPair, bytes: Buffer, run: () => Promise<T>): Promise<T> {
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    writing = writing.then(() => pty.write(bytes)).catch(() => undefined);
  }, 100);
  try {
    return await run();
  } finally {
    clearInterval(timer);
    await writing;
  }
}

describe('gatehouse doctor', () => {
  let pty: PtyPair;
  before(async () => {
    pty = new PtyPair(path.join(root, 'radio'));
    await pty.start();
  });
  after(() => pty.stop());

  test('healthy setup exits 0', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    const lines = readSampleStream('moteino-samples.txt', isRealisticPacket).subarray(0, 200);
    const { code, findings, stderr } = await whileSending(pty, lines, () => doctorJson(setup));

    assert.equal(code, 0, JSON.stringify(findings, null, 2) + stderr);
    assert.equal(findingOf(findings, 'config').status, 'ok');
    assert.match(findingOf(findings, 'config').found, new RegExp(`valid: ${setup.configFile}$`));
    for (const id of ['port.front.httpPort', 'port.front.httpsPort', 'port.hub.port']) {
      assert.equal(findingOf(findings, id).status, 'ok', id);
    }
    assert.equal(findingOf(findings, 'port.privilege').status, 'ok');
    assert.equal(findingOf(findings, 'tls.files').status, 'ok');
    assert.equal(findingOf(findings, 'tls.key-match').status, 'ok');
    assert.equal(findingOf(findings, 'tls.expiry').status, 'ok');
    assert.equal(findingOf(findings, 'tls.names').status, 'ok');
    assert.equal(findingOf(findings, 'serial.device').status, 'ok');
    assert.equal(findingOf(findings, 'serial.data').status, 'ok');
    assert.match(findingOf(findings, 'serial.data').found, /lines decode as moteino/);
    assert.equal(findingOf(findings, 'hub.exposure').status, 'ok');
    assert.equal(findingOf(findings, 'data-dir.mode').status, 'ok');
    assert.equal(findingOf(findings, 'data-dir.key').status, 'ok');
    assert.equal(findings.some((item) => item.status === 'fail'), false);
  });

  test('each serial gateway is checked', testTimeout, async () => {
    const second = new PtyPair(path.join(root, 'garden'));
    await second.start();
    try {
      const radioYaml = [
        'radio:',
        `  - port: ${pty.devicePath}`,
        '  - name: garden',
        `    port: ${second.devicePath}`,
        '    dialect: mysensors',
        '  - name: shed',
        '    port: tcp://127.0.0.1:9',
        '    dialect: mysensors',
      ];
      const setup = await makeSetup(pty.devicePath, goodPair, '', radioYaml);
      const moteinoLines = readSampleStream('moteino-samples.txt', isRealisticPacket).subarray(0, 200);
      const mysensorsLines = readSampleStream('mysensors-samples.txt');
      const { findings } = await whileSending(pty, moteinoLines, () => whileSending(second, mysensorsLines, () => doctorJson(setup)));

      const devices = findings.filter((item) => item.id === 'serial.device');
      assert.deepEqual(
        devices.map((item) => item.subject),
        [`radio.0.port ${pty.devicePath}`, `radio.1.port ${second.devicePath}`],
      );
      const data = findings.filter((item) => item.id === 'serial.data');
      assert.equal(data.length, 2);
      assert.match(data[0]?.found ?? '', /lines decode as moteino/);
      assert.match(data[1]?.found ?? '', /lines decode as mysensors/);
      assert.equal(findings.some((item) => item.subject.includes('tcp://')), false);
    } finally {
      await second.stop();
    }
  });

  test('text output is one line each', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    const result = await runGatehouse(['doctor', '--config', setup.configFile, '--serial-seconds', serialSeconds]);
    const lines = result.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 14, result.stdout);
    for (const line of lines) {
      assert.match(line, /^(ok {3}|warn |fail )[a-z.-]+[A-Za-z]* +\S.*: \S/, line);
    }
    assert.match(result.stdout, /^ok {3}config +configuration: valid: /m);
    assert.match(result.stderr, /^doctor: \d+ ok, \d+ warn, \d+ fail$/m);
  });

  test('wrong baud rate fails', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    // What a 115200 receiver makes of an old sketch sending at 19200.
    const garbage = receiveAtWrongBaud(readSampleStream('moteino-samples.txt', isRealisticPacket).subarray(0, 120), 19200, 115200);
    const { code, findings } = await whileSending(pty, garbage, () => doctorJson(setup));

    assert.equal(code, 1);
    const data = findingOf(findings, 'serial.data');
    assert.equal(data.status, 'fail');
    assert.match(data.found, /looks like a wrong baud rate/);
    assert.match(data.fix ?? '', /set radio\.baudRate/);
  });

  test('silent radio gateway warns', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    const { code, findings } = await doctorJson(setup);
    const data = findingOf(findings, 'serial.data');
    assert.equal(data.status, 'warn');
    assert.match(data.found, /no data in 0\.6 s/);
    assert.equal(code, 0);
  });

  test('port held by a hub is not read', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    const holder = new SerialPort({ path: pty.devicePath, baudRate: 115200, autoOpen: false, lock: true });
    holder.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => holder.open((error) => (error ? reject(error) : resolve())));
    try {
      const { findings } = await doctorJson(setup);
      const data = findingOf(findings, 'serial.data');
      assert.equal(data.status, 'ok');
      assert.match(data.found, /another process holds the port/);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  test('taken port warns with ss', testTimeout, async () => {
    const setup = await makeSetup(pty.devicePath);
    const server = createServer();
    server.listen(setup.ports.https, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { findings } = await doctorJson(setup);
      const https = findingOf(findings, 'port.front.httpsPort');
      assert.equal(https.status, 'warn');
      assert.match(https.found, /^in use: fine if Gatehouse is running/);
      assert.equal(https.fix, `find the process with \`ss -ltnp 'sport = :${setup.ports.https}'\`, or change front.httpsPort`);
      assert.equal(findingOf(findings, 'port.front.httpPort').status, 'ok');
    } finally {
      server.close();
      await once(server, 'close');
    }
  });
});

describe('gatehouse doctor, broken setups', () => {
  test('missing device fails', testTimeout, async () => {
    const device = path.join(root, 'no-such-tty');
    const setup = await makeSetup(device);
    const { code, findings } = await doctorJson(setup);
    assert.equal(code, 1);
    const serial = findingOf(findings, 'serial.device');
    assert.equal(serial.status, 'fail');
    assert.equal(serial.subject, `radio.port ${device}`);
    assert.equal(serial.found, 'does not exist');
    assert.match(serial.fix ?? '', /ls \/dev\/serial\/by-id\//);
    assert.equal(findings.some((item) => item.id === 'serial.data'), false);
  });

  test('regular file as device fails', testTimeout, async () => {
    const file = path.join(root, 'not-a-tty');
    await writeFile(file, '');
    const { findings } = await doctorJson(await makeSetup(file));
    assert.match(findingOf(findings, 'serial.device').found, /not a character device/);
  });

  test('expired certificate fails', testTimeout, async () => {
    const expired = await makeExpiredCertificate(path.join(root, 'expired-tls'));
    const { code, findings } = await doctorJson(await makeSetup('/dev/null', expired));
    assert.equal(code, 1);
    const expiry = findingOf(findings, 'tls.expiry');
    assert.equal(expiry.status, 'fail');
    assert.match(expiry.found, /^expired on 2020-02-01T00:00:00\.000Z$/);
    assert.match(expiry.fix ?? '', /renew/);
    assert.equal(findingOf(findings, 'tls.key-match').status, 'ok');
  });

  test('short-lived certificate warns', testTimeout, async () => {
    const soon = await makeCurrentCertificate(path.join(root, 'soon-tls'), 5);
    const { findings } = await doctorJson(await makeSetup('/dev/null', soon));
    const expiry = findingOf(findings, 'tls.expiry');
    assert.equal(expiry.status, 'warn');
    assert.match(expiry.found, /in [45] days/);
  });

  // Keys made unreadable by mode 000 would not do: these tests may run as root, and root reads any file.
  test('key that is a directory fails', testTimeout, async () => {
    const keyFolder = path.join(root, 'key-is-a-folder');
    await mkdir(keyFolder);
    const { code, findings } = await doctorJson(await makeSetup('/dev/null', { certFile: goodPair.certFile, keyFile: keyFolder }));
    assert.equal(code, 1);
    const files = findings.filter((item) => item.id === 'tls.files');
    assert.equal(files.length, 1);
    assert.equal(files[0]?.status, 'fail');
    assert.equal(files[0]?.subject, `TLS private key ${keyFolder}`);
    assert.equal(files[0]?.found, 'is a directory, not a file');
    assert.match(files[0]?.fix ?? '', /front\.keyFile/);
  });

  test('missing key fails', testTimeout, async () => {
    const keyFile = path.join(root, 'missing-key.pem');
    const { findings } = await doctorJson(await makeSetup('/dev/null', { certFile: goodPair.certFile, keyFile }));
    const files = findingOf(findings, 'tls.files');
    assert.equal(files.status, 'fail');
    assert.equal(files.found, 'missing');
  });

  test('mismatched key fails', testTimeout, async () => {
    const other = await makeCurrentCertificate(path.join(root, 'other-tls'), 90);
    const { findings } = await doctorJson(await makeSetup('/dev/null', { certFile: goodPair.certFile, keyFile: other.keyFile }));
    assert.equal(findingOf(findings, 'tls.key-match').status, 'fail');
  });

  test('open data directory and secret', testTimeout, async () => {
    const setup = await makeSetup('/dev/null', null);
    const dataDir = path.join(setup.folder, 'data');
    await chmod(dataDir, 0o755);
    await writeFile(path.join(dataDir, 'proxy-secret'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    await chmod(path.join(dataDir, 'proxy-secret'), 0o644);
    const { code, findings } = await doctorJson(setup);
    assert.equal(code, 1);
    const mode = findingOf(findings, 'data-dir.mode');
    assert.equal(mode.status, 'warn');
    assert.equal(mode.fix, `run \`chmod 700 ${dataDir}\``);
    const secret = findingOf(findings, 'data-dir.secret');
    assert.equal(secret.status, 'fail');
    assert.match(secret.found, /mode 0644/);
    assert.equal(secret.fix, `run \`chmod 600 ${path.join(dataDir, 'proxy-secret')}\``);
    assert.match(findingOf(findings, 'tls.files').found, /generates a self-signed pair/);
  });

  test('invalid config exits 2', testTimeout, async () => {
    const folder = path.join(root, 'invalid');
    await mkdir(folder);
    const configFile = path.join(folder, 'gatehouse.yaml');
    await writeFile(configFile, 'front:\n  httpsPort: https\nradio:\n  baudrate: 115200\n');

    const text = await runGatehouse(['doctor', '--config', configFile]);
    assert.equal(text.code, 2);
    assert.match(text.stdout, /^fail config/);
    assert.match(text.stdout, /front\.httpsPort: got "https"/);
    assert.match(text.stdout, /unknown key "radio\.baudrate"/);
    assert.equal(text.stdout.trimEnd().split('\n').length, 1);

    const json = await runGatehouse(['doctor', '--config', configFile, '--json']);
    assert.equal(json.code, 2);
    const findings = JSON.parse(json.stdout) as Finding[];
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.id, 'config');
    assert.equal(findings[0]?.status, 'fail');
  });

  test('unreadable config exits 2', testTimeout, async () => {
    const result = await runGatehouse(['doctor', '--config', path.join(root, 'absent.yaml'), '--json']);
    assert.equal(result.code, 2);
    assert.match((JSON.parse(result.stdout) as Finding[])[0]?.found ?? '', /cannot read config file/);
  });

  test('bad --serial-seconds exits 2', testTimeout, async () => {
    for (const value of ['0', '-1', 'abc', '61']) {
      const result = await runGatehouse(['doctor', '--serial-seconds', value]);
      assert.equal(result.code, 2, value);
      assert.match(result.stderr, /expected seconds above 0 and up to 60/, value);
    }
  });
});
