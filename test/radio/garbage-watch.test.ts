import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineFramer } from '../../src/radio/framer.js';
import { GarbageWatch, wrongBaudWarning } from '../../src/radio/garbage-watch.js';
import { minValidLineLength } from '../../src/radio/line-link.js';
import { decodeMoteinoLine } from '../../src/radio/moteino/index.js';
import { decodeMySensorsLine } from '../../src/radio/mysensors/index.js';
import { readSampleStream } from '../doctor/samples.js';
import { receiveAtWrongBaud } from '../doctor/uart-model.js';

const commonRates = [9600, 19200, 38400, 57600, 115200, 230400];

/**
 * Feeds `bytes` through a framer into a GarbageWatch as a link does, with lines that `decode` rejects
 * counted as garbage, and returns the watch and the lines framed.
 */
function watch(bytes: Buffer, decode: (line: string) => { kind: string } = decodeMoteinoLine): { garbage: GarbageWatch; lines: string[] } {
  const garbage = new GarbageWatch();
  const lines: string[] = [];
  const framer = new LineFramer(
    (line) => {
      lines.push(line);
      if (line.length >= minValidLineLength && decode(line).kind !== 'malformed') {
        garbage.onLine();
      } else {
        garbage.onDiscard(line.length);
      }
    },
    { onDiscard: (_reason, count) => garbage.onDiscard(count) },
  );
  framer.push(bytes);
  return { garbage, lines };
}

void describe('GarbageWatch', () => {
  void test('right baud rate gives no warning', () => {
    // The moteino file has edge cases (binary bytes, NULs), which must not set the warning either.
    assert.equal(watch(readSampleStream('moteino-samples.txt')).garbage.warning(), null);
    assert.equal(watch(readSampleStream('mysensors-samples.txt'), decodeMySensorsLine).garbage.warning(), null);
  });

  // The sample file twenty times over (about 1,000 lines), received at the wrong rate. Read 24 times
  // slower than sent (230400 read at 9600), it still yields over 512 garbage bytes.
  const sent = Buffer.concat(Array.from({ length: 20 }, () => readSampleStream('moteino-samples.txt')));
  for (const sendBaud of commonRates) {
    for (const receiveBaud of commonRates.filter((rate) => rate !== sendBaud)) {
      void test(`sent at ${sendBaud}, read at ${receiveBaud} warns`, () => {
        const { garbage } = watch(receiveAtWrongBaud(sent, sendBaud, receiveBaud));
        assert.equal(garbage.warning(), wrongBaudWarning);
      });
    }
  }

  void test('valid line clears warning', () => {
    const garbage = new GarbageWatch();
    assert.equal(garbage.onDiscard(257), false);
    assert.equal(garbage.onDiscard(254), false);
    assert.equal(garbage.warning(), null);
    assert.equal(garbage.onDiscard(1), true);
    assert.equal(garbage.warning(), wrongBaudWarning);
    assert.equal(garbage.onDiscard(300), false);
    assert.equal(garbage.onLine(), true);
    assert.equal(garbage.warning(), null);
    assert.equal(garbage.onLine(), false);
  });

  void test('overlong line alone no warning', () => {
    const { garbage } = watch(Buffer.from(`${'A'.repeat(400)}\n`));
    assert.equal(garbage.warning(), null);
  });

  void test('skipped bytes of one line counted', () => {
    const garbage = new GarbageWatch();
    const framer = new LineFramer(() => garbage.onLine(), { onDiscard: (_reason, count) => garbage.onDiscard(count) });
    for (let index = 0; index < 10; index += 1) {
      framer.push(Buffer.alloc(100, 0xaa));
    }
    assert.equal(garbage.warning(), wrongBaudWarning);
  });
});
