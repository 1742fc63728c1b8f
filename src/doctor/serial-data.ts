import { LineFramer } from '../radio/framer.js';
import { decodeMoteinoLine } from '../radio/moteino/index.js';
import { decodeMySensorsLine } from '../radio/mysensors/index.js';
import { type Finding, finding } from './finding.js';

/**
 * Share of non-printable bytes above which the data is judged to be read at a wrong baud rate. Text
 * lines of the moteino dialect contain no such byte. A UART at the wrong rate mostly delivers NULs for
 * framing errors and bytes with the high bit set: modelling every pair of the common rates from 9600
 * to 230400 gave 72 % or more.
 */
export const wrongBaudShare = 0.5;

/** Counts of what was read from the radio gateway. */
export interface SerialSample {
  bytes: number;
  nonPrintable: number;
  lines: number;
  decoded: number;
}

/** Dialects the doctor can judge a sample of. */
export type SampleDialect = 'moteino' | 'mysensors';

const decoders: Readonly<Record<SampleDialect, (line: string) => { kind: string }>> = {
  moteino: decodeMoteinoLine,
  mysensors: decodeMySensorsLine,
};

/** Counts the bytes, lines and lines that decode in `dialect` in what the port delivered. */
export function sampleSerialBytes(data: Uint8Array, dialect: SampleDialect = 'moteino'): SerialSample {
  const decode = decoders[dialect];
  let nonPrintable = 0;
  for (const byte of data) {
    const isText = (byte >= 0x20 && byte <= 0x7e) || byte === 0x0a || byte === 0x0d || byte === 0x09;
    if (!isText) {
      nonPrintable += 1;
    }
  }

  let lines = 0;
  let decoded = 0;
  const framer = new LineFramer((line) => {
    lines += 1;
    if (decode(line).kind !== 'malformed') {
      decoded += 1;
    }
  });
  framer.push(data);
  // The framer drops lines with control bytes before they reach the handler, but they still count as lines read.
  const counts = framer.counts();
  lines += counts.dropped.nonPrintable + counts.dropped.overlong;
  return { bytes: data.length, nonPrintable, lines, decoded };
}

/** Judges what was read from the radio gateway in `seconds` at `baudRate`. */
export function judgeSerialSample(sample: SerialSample, seconds: number, baudRate: number, dialect: SampleDialect = 'moteino'): Finding {
  const subject = `radio gateway data at ${baudRate} baud`;
  if (sample.bytes === 0) {
    return finding(
      'warn',
      'serial.data',
      subject,
      `no data in ${seconds} s: the radio gateway sent nothing, or its nodes were quiet`,
      'run the doctor again after a node has sent, check that the board runs a gateway sketch, and reset it to see its start-up line',
    );
  }

  const share = sample.nonPrintable / sample.bytes;
  const percent = Math.round(share * 100);
  if (share > wrongBaudShare) {
    return finding(
      'fail',
      'serial.data',
      subject,
      `${sample.bytes} bytes, ${percent} % not printable: looks like a wrong baud rate`,
      'set radio.baudRate to the rate of the sketch (LowPowerLab and MySensors gateway sketches use 115200, some old LowPowerLab ones 19200)',
    );
  }
  if (sample.decoded > 0 && sample.decoded * 2 >= sample.lines) {
    return finding('ok', 'serial.data', subject, `${sample.decoded} of ${sample.lines} lines decode as ${dialect}`);
  }
  if (sample.lines === 0) {
    return finding('warn', 'serial.data', subject, `${sample.bytes} bytes of text but no complete line in ${seconds} s`, 'check that the sketch ends each line with a line feed');
  }
  return finding(
    'warn',
    'serial.data',
    subject,
    `${sample.decoded} of ${sample.lines} lines decode as ${dialect} (${percent} % of the bytes not printable)`,
    dialect === 'moteino'
      ? 'check that the board runs a LowPowerLab gateway sketch (radio.dialect is moteino) and that radio.baudRate matches it'
      : 'check that the board runs a MySensors serial gateway sketch (radio.dialect is mysensors) and that radio.baudRate matches it',
  );
}
