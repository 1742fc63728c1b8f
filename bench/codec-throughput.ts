// Measures codec throughput on one core: lines per second through each dialect's decoder alone, and
// through the line framer plus the decoder, as the hub's read path runs them.
// Run: node --import tsx bench/codec-throughput.ts [lines] [rounds]
import { cpus } from 'node:os';
import { LineFramer } from '../src/radio/framer.js';
import { decodeMoteinoLine } from '../src/radio/moteino/index.js';
import { decodeMySensorsPacket } from '../src/radio/mysensors/index.js';

const lineCount = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);

/** Typical traffic: node packets of several kinds, some gateway lines and a few malformed ones. */
const workloads: Record<string, { lines: string[]; decode: (line: string) => { kind: string } }> = {
  moteino: {
    decode: decodeMoteinoLine,
    lines: [
      '[11] MOTION BAT:3.27v SS:-64',
      '[12] MOTION LO:0s BAT:4.02v   [RSSI:-71][ACK-sent]',
      '[14] STS:OPN SS:-58',
      '[21] BAT:3.31v F:71.36 H:44.20 P:29.87 X:12 SS:-77',
      '[30] GAL:48213.7 GPM:2.35 GLM:5.10 SS:-73',
      '[33] BTN0:0 BTN1:0 BTN2:1 SS:-54',
      '[62] WS:4.5 WDIR:NNE BAT:3.90v X:28 SS:-88',
      'ACK:OK',
      'UPTIME:86400123',
      '[abc] MOTION SS:-60',
    ],
  },
  mysensors: {
    decode: decodeMySensorsPacket,
    lines: [
      '7;1;1;0;0;21.4',
      '7;2;1;0;1;63',
      '7;255;3;0;0;87',
      '12;0;1;0;16;1',
      '7;3;1;1;2;1',
      '9;1;1;0;49;52.37;4.89;12',
      '7;1;0;0;6;Air temperature',
      '0;255;3;0;9;TSF:MSG:READ,7-7-0,s=1,c=1,t=0,pt=7,l=4,sg=0:21.4',
      '7;255;3;0;1;',
      '256;1;1;0;0;21.4',
    ],
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs `run` once to warm up, then `rounds` times, and returns the median lines per second. */
function measure(run: () => number): { linesPerSecond: number; packets: number } {
  run();
  const rates: number[] = [];
  let packets = 0;
  for (let round = 0; round < rounds; round += 1) {
    const began = performance.now();
    packets = run();
    rates.push(lineCount / ((performance.now() - began) / 1000));
  }
  return { linesPerSecond: Math.round(median(rates)), packets };
}

const results: Record<string, unknown> = {};
for (const [dialect, workload] of Object.entries(workloads)) {
  const { lines, decode } = workload;
  const decodeOnly = measure(() => {
    let packets = 0;
    for (let index = 0; index < lineCount; index += 1) {
      if (decode(lines[index % lines.length] ?? '').kind === 'packet') {
        packets += 1;
      }
    }
    return packets;
  });

  // The same lines as bytes, cut into 64-byte chunks like serial reads.
  const block = Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');
  const repeats = Math.ceil(lineCount / lines.length);
  const stream = Buffer.concat(Array.from({ length: repeats }, () => block));
  const framed = measure(() => {
    let packets = 0;
    const framer = new LineFramer((line) => {
      if (decode(line).kind === 'packet') {
        packets += 1;
      }
    });
    for (let offset = 0; offset < stream.length; offset += 64) {
      framer.push(stream.subarray(offset, offset + 64));
    }
    return packets;
  });
  results[dialect] = { decodeLinesPerSecond: decodeOnly.linesPerSecond, framerAndDecodeLinesPerSecond: framed.linesPerSecond, packetsPerRun: decodeOnly.packets };
}

console.log(
  JSON.stringify(
    { benchmark: 'codec-throughput', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', lines: lineCount, rounds, results },
    null,
    2,
  ),
);
