import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMoteinoLine } from '../../src/radio/moteino/index.js';

test('glued packets not credited', () => {
  for (const line of ['[11] MOTION SS:-64[12] RING SS:-60', '[11] MOTION [12] RING SS:-60', '[11] MOTION SS:-64 [12] RING SS:-60', '[11] MOTION SS:-64[] RING', '[11] MOTION[-5] RING SS:-60']) {
    assert.deepEqual(decodeMoteinoLine(line), { kind: 'malformed', reason: 'gluedPackets' }, line);
  }
});

test('bracket tokens still decode', () => {
  const typed = decodeMoteinoLine('[40] START [TYPE:MotionMote] SS:-61');
  assert.equal(typed.kind, 'packet');
  const debug = decodeMoteinoLine('[60] [DEBUG:bme280-init-ok] SS:-80');
  assert.equal(debug.kind, 'packet');
  const acked = decodeMoteinoLine('[12] MOTION LO:0s BAT:4.02v   [RSSI:-71][ACK-sent]');
  assert.equal(acked.kind, 'packet');
});

test('packet inside debug text stays gateway', () => {
  assert.deepEqual(decodeMoteinoLine('DEBUG:xx[12] RING SS:-60'), { kind: 'gateway', message: { type: 'debug', text: 'xx[12] RING SS:-60' } });
});
