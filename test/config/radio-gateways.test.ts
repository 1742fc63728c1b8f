import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRadioGateways } from '../../src/cli/radio-gateways.js';
import { parseConfig } from '../../src/config/index.js';
import { GatehouseError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/logger.js';

const logger = createLogger({ level: 'silent' });

function gatewaysOf(radio: unknown, firstPort?: string) {
  const config = parseConfig({ radio }, 'test.yaml');
  return createRadioGateways(config.radio, { dataDir: '/nonexistent', logger, ...(firstPort === undefined ? {} : { firstPort }) });
}

function encodeError(encode: () => string): string {
  try {
    encode();
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    return error.code;
  }
  return 'none';
}

test('one link and codec per gateway', () => {
  const gateways = gatewaysOf([
    { name: 'house', port: '/dev/ttyUSB0' },
    { name: 'garden', port: 'tcp://127.0.0.1:5003', dialect: 'mysensors' },
  ]);
  assert.deepEqual(
    gateways.map((gateway) => [gateway.name, gateway.dialect, gateway.link.status().port, gateway.session !== undefined]),
    [
      ['house', 'moteino', '/dev/ttyUSB0', false],
      ['garden', 'mysensors', 'tcp://127.0.0.1:5003', true],
    ],
  );
});

test('radio port option replaces first', () => {
  const gateways = gatewaysOf([{ name: 'house', port: '/dev/ttyUSB0' }, { name: 'attic', port: '/dev/ttyUSB1' }], '/tmp/radio-sim');
  assert.equal(gateways[0]?.link.status().port, '/tmp/radio-sim');
  assert.equal(gateways[1]?.link.status().port, '/dev/ttyUSB1');
});

test('moteino command length limit', () => {
  const payload = 'MSG:' + 'x'.repeat(30);
  const buffered = gatewaysOf({ port: '/dev/ttyUSB0' })[0];
  const mightyHat = gatewaysOf({ port: '/dev/ttyUSB0', maxCommandLength: 64 })[0];
  assert.equal(encodeError(() => buffered?.codec.encode(14, payload) ?? ''), 'PROTOCOL_COMMAND_INVALID');
  assert.equal(mightyHat?.codec.encode(14, payload), `14:${payload}`);
  assert.equal(encodeError(() => mightyHat?.codec.encode(14, 'y'.repeat(62)) ?? ''), 'PROTOCOL_COMMAND_INVALID');
});

test('gateway id rejected as target', () => {
  const gateway = gatewaysOf({ port: '/dev/ttyUSB0', gatewayId: 5 })[0];
  assert.equal(encodeError(() => gateway?.codec.encode(5, 'OPN') ?? ''), 'PROTOCOL_COMMAND_INVALID');
  assert.equal(gateway?.codec.encode(1, 'OPN'), '1:OPN');
});
