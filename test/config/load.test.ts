import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { GatehouseError } from '../../src/errors/index.js';

const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-config-'));
after(() => rm(folder, { recursive: true, force: true }));

function messageOf(raw: unknown): string {
  try {
    parseConfig(raw, 'test.yaml');
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

test('config defaults need no file', () => {
  const { config, file } = loadConfig(undefined, folder);
  assert.equal(file, null);
  assert.equal(config.front.httpPort, 80);
  assert.equal(config.front.httpsPort, 443);
  assert.equal(config.hub.port, 8080);
  assert.equal(config.radio[0]?.port, '/dev/ttyAMA0');
  assert.equal(config.radio[0]?.baudRate, 115200);
  assert.equal(config.radio[0]?.dialect, 'moteino');
});

test('config file keys are read and frozen', async () => {
  const file = path.join(folder, 'ok.yaml');
  await writeFile(file, 'dataDir: ./state\nfront:\n  httpPort: 8000\n  httpsPort: 8443\nhub:\n  port: 9000\nradio:\n  port: /dev/ttyUSB0\n  baudRate: 19200\n  dialect: moteino\n');
  const loaded = loadConfig(file);
  assert.equal(loaded.dataDir, path.join(folder, 'state'));
  assert.equal(loaded.config.front.httpsPort, 8443);
  assert.equal(loaded.config.hub.port, 9000);
  assert.equal(loaded.config.radio[0]?.port, '/dev/ttyUSB0');
  assert.equal(loaded.config.radio[0]?.baudRate, 19200);
  assert.ok(Object.isFrozen(loaded.config.front));
});

test('config paths resolve against its folder', async () => {
  const file = path.join(folder, 'paths.yaml');
  await writeFile(file, 'front:\n  certFile: tls/cert.pem\n  keyFile: /etc/ssl/key.pem\n  acmeWebroot: ./acme\n');
  const { config } = loadConfig(file, '/');
  assert.equal(config.front.certFile, path.join(folder, 'tls', 'cert.pem'));
  assert.equal(config.front.keyFile, '/etc/ssl/key.pem');
  assert.equal(config.front.acmeWebroot, path.join(folder, 'acme'));
  assert.equal(config.dataDir, path.join(folder, 'data'));
});

test('config unknown key is named', () => {
  const message = messageOf({ front: { httpsPrt: 443 } });
  assert.match(message, /unknown key "front\.httpsPrt"/);
});

test('config bad values name key, value and form', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ front: { httpsPort: 'abc' } }, /front\.httpsPort: got "abc", expected a TCP port number from 1 to 65535/],
    [{ front: { httpPort: 70000 } }, /front\.httpPort: got 70000, expected a TCP port number/],
    [{ hub: { port: 1.5 } }, /hub\.port: got 1\.5, expected a TCP port number/],
    [{ radio: { baudRate: 1234 } }, /radio\.baudRate: got 1234, expected one of 9600, .*115200/],
    [{ radio: { dialect: 'zigbee' } }, /radio\.dialect: got "zigbee", expected one of "moteino"/],
    [{ radio: { port: '' } }, /radio\.port: got ""/],
    [{ dataDir: 42 }, /dataDir: got 42, expected a string/],
    [{ front: { httpPort: 8443, httpsPort: 8443 } }, /must differ/],
    [{ front: { certFile: '/etc/cert.pem' } }, /set both front\.certFile and front\.keyFile/],
    [{ hub: { host: '0.0.0.0' } }, /unknown key "hub\.host"/],
  ];
  for (const [raw, expected] of cases) {
    assert.match(messageOf(raw), expected, JSON.stringify(raw));
  }
});

test('config unreadable YAML is reported', async () => {
  const file = path.join(folder, 'broken.yaml');
  await writeFile(file, 'front: [unclosed\n');
  assert.throws(() => loadConfig(file), (error: unknown) => error instanceof GatehouseError && error.code === 'CONFIG_UNREADABLE' && error.message.includes(file));
});

test('config missing file is reported', () => {
  const file = path.join(folder, 'absent.yaml');
  assert.throws(() => loadConfig(file), (error: unknown) => error instanceof GatehouseError && error.code === 'CONFIG_UNREADABLE');
});
