import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { judgeSerialSample, sampleSerialBytes, wrongBaudShare } from '../../src/doctor/serial-data.js';
import { isRealisticPacket, readSampleStream } from './samples.js';
import { receiveAtWrongBaud } from './uart-model.js';

const commonRates = [9600, 19200, 38400, 57600, 115200, 230400];

describe('serial data judgement', () => {
  test('realistic moteino lines are ok', () => {
    const result = judgeSerialSample(sampleSerialBytes(readSampleStream('moteino-samples.txt', isRealisticPacket)), 3, 115200);
    assert.equal(result.status, 'ok');
    assert.equal(result.id, 'serial.data');
    assert.match(result.found, /^\d+ of \d+ lines decode as moteino$/);
    assert.equal(result.fix, null);
  });

  test('mysensors lines are ok', () => {
    const result = judgeSerialSample(sampleSerialBytes(readSampleStream('mysensors-samples.txt'), 'mysensors'), 3, 115200, 'mysensors');
    assert.equal(result.status, 'ok');
    assert.match(result.found, /^22 of 22 lines decode as mysensors$/);
  });

  test('moteino lines as mysensors warn', () => {
    const sample = sampleSerialBytes(readSampleStream('moteino-samples.txt', isRealisticPacket), 'mysensors');
    const result = judgeSerialSample(sample, 3, 115200, 'mysensors');
    assert.equal(result.status, 'warn');
    assert.match(result.fix ?? '', /MySensors serial gateway sketch \(radio\.dialect is mysensors\)/);
  });

  test('whole sample file with edge cases is ok', () => {
    // The file also contains malformed lines and binary bytes that survived the radio CRC.
    const sample = sampleSerialBytes(readSampleStream('moteino-samples.txt'));
    assert.ok(sample.nonPrintable > 0, 'the file contains some non-printable bytes');
    assert.ok(sample.decoded < sample.lines, 'some lines are malformed');
    assert.equal(judgeSerialSample(sample, 3, 115200).status, 'ok');
  });

  test('model reproduces text at the right rate', () => {
    const sent = readSampleStream('moteino-samples.txt', isRealisticPacket);
    assert.deepEqual(receiveAtWrongBaud(sent, 115200, 115200), sent);
  });

  for (const sendBaud of commonRates) {
    for (const receiveBaud of commonRates.filter((rate) => rate !== sendBaud)) {
      test(`sent at ${sendBaud}, read at ${receiveBaud} fails`, () => {
        const garbage = receiveAtWrongBaud(readSampleStream('moteino-samples.txt', isRealisticPacket), sendBaud, receiveBaud);
        const sample = sampleSerialBytes(garbage);
        assert.ok(sample.bytes > 0, 'the receiver delivered bytes');
        assert.ok(sample.nonPrintable / sample.bytes > wrongBaudShare, `non-printable share ${sample.nonPrintable}/${sample.bytes}`);
        const result = judgeSerialSample(sample, 3, receiveBaud);
        assert.equal(result.status, 'fail');
        assert.match(result.found, /wrong baud rate/);
        assert.match(result.fix ?? '', /radio\.baudRate/);
        assert.match(result.fix ?? '', /115200/);
        assert.match(result.fix ?? '', /19200/);
      });
    }
  }

  test('silence warns with the duration', () => {
    const result = judgeSerialSample(sampleSerialBytes(Buffer.alloc(0)), 2.5, 115200);
    assert.equal(result.status, 'warn');
    assert.match(result.found, /no data in 2\.5 s/);
    assert.notEqual(result.fix, null);
  });

  test('mysensors text warns about the dialect', () => {
    const result = judgeSerialSample(sampleSerialBytes(readSampleStream('mysensors-samples.txt', (line) => !line.includes('\\x'))), 3, 115200);
    assert.equal(result.status, 'warn');
    assert.match(result.fix ?? '', /radio\.dialect/);
  });

  test('text without a line feed warns', () => {
    const result = judgeSerialSample(sampleSerialBytes(Buffer.from('[11] MOTION BAT:3.27v SS:-6', 'latin1')), 3, 115200);
    assert.equal(result.status, 'warn');
    assert.match(result.found, /no complete line/);
  });

  test('one NUL among valid lines stays ok', () => {
    const bytes = Buffer.concat([Buffer.from([0x00, 0xff]), readSampleStream('moteino-samples.txt', isRealisticPacket)]);
    assert.equal(judgeSerialSample(sampleSerialBytes(bytes), 3, 115200).status, 'ok');
  });

  test('all-NUL bytes fail', () => {
    assert.equal(judgeSerialSample(sampleSerialBytes(Buffer.alloc(64)), 3, 19200).status, 'fail');
  });
});
