import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Config, flattenConfig, parseConfig, parseTcpEndpoint, planReload } from '../../src/config/index.js';
import { GatehouseError } from '../../src/errors/index.js';

function parse(raw: object): Config {
  return parseConfig(raw, 'test.yaml');
}

function messageOf(raw: object): string {
  try {
    parse(raw);
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

test('radio single object becomes a list', () => {
  const config = parse({ radio: { port: '/dev/ttyUSB0', baudRate: 19200 } });
  assert.equal(config.radio.length, 1);
  assert.deepEqual(config.radio[0], {
    name: 'radio',
    port: '/dev/ttyUSB0',
    baudRate: 19200,
    dialect: 'moteino',
    gatewayId: 1,
    maxCommandLength: 24,
    probeIntervalSeconds: 30,
  });
});

test('radio default is one gateway', () => {
  const config = parse({});
  assert.equal(config.radio.length, 1);
  assert.equal(config.radio[0]?.name, 'radio');
  assert.equal(config.radio[0]?.port, '/dev/ttyAMA0');
});

test('radio list keeps order and dialects', () => {
  const config = parse({
    radio: [
      { name: 'house', port: '/dev/serial/by-id/usb-FTDI-if00-port0', maxCommandLength: 64 },
      { name: 'garden', port: 'tcp://127.0.0.1:5003', dialect: 'mysensors' },
    ],
  });
  assert.deepEqual(
    config.radio.map((gateway) => [gateway.name, gateway.dialect, gateway.maxCommandLength]),
    [
      ['house', 'moteino', 64],
      ['garden', 'mysensors', 24],
    ],
  );
});

test('radio bad values are named', () => {
  const cases: Array<[object, RegExp]> = [
    [{ radio: [{ name: 'a', port: '/dev/a' }, { name: 'a', port: '/dev/b' }] }, /radio\.1\.name: got "a", duplicate radio gateway name, also used by radio\.0/],
    [{ radio: [{ name: 'a', port: '/dev/a' }, { name: 'b', port: '/dev/a' }] }, /radio\.1\.port: got "\/dev\/a", duplicate radio gateway port/],
    [{ radio: [{ port: '/dev/a' }, { port: '/dev/b' }] }, /radio\.1\.name: got "radio", duplicate/],
    [{ radio: [] }, /radio: .*expected at least one radio gateway/],
    [{ radio: { port: 'tcp://127.0.0.1' } }, /radio\.port: got "tcp:\/\/127\.0\.0\.1", expected a serial device path .* or a TCP address/],
    [{ radio: { port: 'tcp://127.0.0.1:70000' } }, /radio\.port: got "tcp:\/\/127\.0\.0\.1:70000"/],
    [{ radio: { port: 'tcp://host:5003/path' } }, /radio\.port: got "tcp:\/\/host:5003\/path"/],
    [{ radio: { port: 'http://host:5003' } }, /radio\.port: got "http:\/\/host:5003"/],
    [{ radio: { dialect: 'zigbee' } }, /radio\.dialect: got "zigbee", expected one of "moteino", "mysensors"/],
    [{ radio: { maxCommandLength: 32 } }, /radio\.maxCommandLength: got 32, expected one of 24, 64/],
    [{ radio: { name: 'Garage Door' } }, /radio\.name: got "Garage Door", expected a name of lower case letters/],
    [{ radio: [{ name: 'a', baudRate: 1234 }] }, /radio\.0\.baudRate: got 1234/],
    [{ radio: 'tcp://127.0.0.1:5003' }, /radio: got "tcp:\/\/127\.0\.0\.1:5003"/],
  ];
  for (const [raw, expected] of cases) {
    assert.match(messageOf(raw), expected, JSON.stringify(raw));
  }
});

test('tcp endpoint parsing', () => {
  assert.deepEqual(parseTcpEndpoint('tcp://127.0.0.1:5003'), { host: '127.0.0.1', port: 5003 });
  assert.deepEqual(parseTcpEndpoint('tcp://gateway.lan:2000/'), { host: 'gateway.lan', port: 2000 });
  assert.deepEqual(parseTcpEndpoint('tcp://[::1]:5003'), { host: '::1', port: 5003 });
  for (const text of ['tcp://host', 'tcp://host:0', 'tcp://host:65536', 'tcp://user@host:1', 'tcp://host:1?x=1', 'tcp://:5003', 'udp://host:1', '/dev/ttyUSB0']) {
    assert.equal(parseTcpEndpoint(text), null, text);
  }
});

test('radio reload keys are per gateway', () => {
  const before = parse({ radio: [{ name: 'a', port: '/dev/a' }, { name: 'b', port: '/dev/b' }] });
  const after = parse({ radio: [{ name: 'a', port: '/dev/a' }, { name: 'b', port: 'tcp://127.0.0.1:5003' }] });
  assert.ok(flattenConfig(before).has('radio.1.port'));
  const plan = planReload(before, after, 'hub');
  assert.deepEqual(plan.restart, ['radio.1.port']);
  assert.deepEqual(plan.live, []);
});

test('radio single gateway keys', () => {
  const single = parse({ radio: { port: '/dev/a' } });
  assert.ok(flattenConfig(single).has('radio.port'));
  const grown = parse({ radio: [{ name: 'radio', port: '/dev/a' }, { name: 'b', port: '/dev/b' }] });
  const plan = planReload(single, grown, 'hub');
  assert.ok(plan.restart.includes('radio.port'));
  assert.ok(plan.restart.includes('radio.1.name'));
});
