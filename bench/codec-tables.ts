/**
 * Measures the moteino codec's decoding throughput on one core, in two modes. The first decodes the
 * sample packet lines with the generic table (every built-in token). The second uses the table that a
 * node type catalog chooses per node, as the hub does. Prints one row per mode and a JSON line.
 *
 *   node --import tsx bench/codec-tables.ts [seconds per mode, default 3]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeTypeCatalog } from '../src/domain/index.js';
import { decodeMoteinoLine, type MetricTableLookup } from '../src/radio/moteino/index.js';

const secondsPerMode = Number(process.argv[2] ?? '3');
const samplesFile = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'serial', 'moteino-samples.txt');

/** The sample file's node packet lines, without comments and escaped bytes. */
const lines = readFileSync(samplesFile, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('[') && !line.includes('\\x'));

const catalog = new NodeTypeCatalog(
  { WindMote: { kind: 'weather', extends: 'WeatherMote', metrics: [{ token: 'WS', metric: 'windSpeed', unit: 'm/s', scale: 1, offset: 0, graphed: true }], offlineAfterMinutes: 30 } },
  { '11': { type: 'MotionMote' }, '14': { type: 'GarageMote' }, '21': { type: 'WeatherMote' }, '25': { type: 'SonarMote' }, '30': { type: 'WaterMote' }, '62': { type: 'WindMote' } },
);
const typed: MetricTableLookup = (nodeId, reported) => catalog.typeOf(nodeId, reported).table;

function measure(lookup: MetricTableLookup | undefined): { lines: number; linesPerSecond: number } {
  const started = performance.now();
  const deadline = started + secondsPerMode * 1000;
  let decoded = 0;
  let packets = 0;
  while (performance.now() < deadline) {
    for (const line of lines) {
      if (decodeMoteinoLine(line, lookup).kind === 'packet') {
        packets += 1;
      }
    }
    decoded += lines.length;
  }
  if (packets === 0) {
    throw new Error('no sample line decoded as a packet');
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { lines: decoded, linesPerSecond: Math.round(decoded / elapsedSeconds) };
}

if (lines.length === 0) {
  throw new Error(`no packet lines in ${samplesFile}`);
}
measure(undefined);
const generic = measure(undefined);
const perType = measure(typed);
console.log(`sample packet lines        ${lines.length}`);
console.log(`generic table              ${generic.linesPerSecond.toLocaleString('en-US')} lines/s`);
console.log(`per-type tables (catalog)  ${perType.linesPerSecond.toLocaleString('en-US')} lines/s`);
console.log(JSON.stringify({ benchmark: 'codec-tables', node: process.version, secondsPerMode, sampleLines: lines.length, generic, perType }));
