import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeMoteinoLine, type MoteinoLine } from '../../src/radio/moteino/index.js';
import { SerialLink } from '../../src/radio/serial-link.js';
import { startPtyPair, startSimulator, type Simulator } from '../../src/radio/simulator/index.js';
import { createCapturingLogger, createTemporaryFolder, waitFor } from './helpers.js';

/** A small seeded generator (mulberry32), so simulated values are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

void describe('simulator with a hub-side link', () => {
  let removeFolder: () => Promise<void> = () => Promise.resolve();
  let devicePath = '';
  let simulator: Simulator | null = null;
  let link: SerialLink | null = null;
  const lines: string[] = [];
  const commands: string[] = [];

  function decodedAfter(start: number): MoteinoLine[] {
    return lines.slice(start).map((line) => decodeMoteinoLine(line));
  }

  before(async () => {
    let folder = '';
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    devicePath = path.join(folder, 'radio');
    const { logger } = createCapturingLogger();
    simulator = await startSimulator({ devicePath, intervalMs: 20, logger, random: seededRandom(7), garageTravelMs: 150 });
    simulator.onCommand((line) => commands.push(line));
    link = new SerialLink({ path: devicePath, baudRate: 115200, logger, backoffInitialMs: 50, backoffMaxMs: 200 });
    link.on('line', (line) => lines.push(line));
    link.start();
    await waitFor('link open', () => link?.status().state === 'open');
  });

  after(async () => {
    await link?.stop();
    await simulator?.stop();
    await removeFolder();
  });

  void test('node packets from every kind', async () => {
    await waitFor('16 packets', () => decodedAfter(0).filter((line) => line.kind === 'packet').length >= 16);
    const packets = decodedAfter(0).filter((line) => line.kind === 'packet');
    const nodeIds = new Set(packets.map((line) => line.packet.nodeId));
    assert.deepEqual([...nodeIds].sort((a, b) => a - b), [11, 14, 18, 21, 25, 30, 33, 41]);
    const rssiValues = new Set(packets.map((line) => line.packet.rssi));
    assert.ok(rssiValues.size > 3, `RSSI did not vary: ${[...rssiValues].join(',')}`);
  });

  void test('no malformed lines', () => {
    const malformed = decodedAfter(0).filter((line) => line.kind === 'malformed');
    assert.deepEqual(malformed, []);
  });

  void test('garage opens after OPENING', async () => {
    const start = lines.length;
    await link?.writeLine('14:OPN');
    await waitFor('garage open', () => lines.slice(start).some((line) => line.startsWith('[14] STS:OPN ')));
    const received = lines.slice(start);
    const acknowledged = received.indexOf('ACK:OK');
    const opening = received.findIndex((line) => /^\[14\] OPENING SS:-\d+$/.test(line));
    const opened = received.findIndex((line) => /^\[14\] STS:OPN SS:-\d+$/.test(line));
    assert.ok(acknowledged >= 0, 'no ACK:OK');
    assert.ok(opening > acknowledged, 'no OPENING after ACK:OK');
    assert.ok(opened > opening, 'no STS:OPN after OPENING');
  });

  void test('switch reports the new state', async () => {
    const start = lines.length;
    await link?.writeLine('33:BTN1:1');
    await waitFor('switch packet', () => lines.slice(start).some((line) => /^\[33\] BTN1:1 SS:-\d+$/.test(line)));
    assert.ok(lines.slice(start).includes('ACK:OK'));
  });

  void test('unknown node gets ACK:NOK', async () => {
    const start = lines.length;
    await link?.writeLine('99:OPN');
    await waitFor('ACK:NOK', () => lines.slice(start).includes('ACK:NOK'));
  });

  void test('board keywords answered', async () => {
    const start = lines.length;
    for (const keyword of ['UPTIME', 'FREERAM', 'SYSFREQ', 'NETID']) {
      await link?.writeLine(keyword);
    }
    const types = (): string[] => decodedAfter(start).flatMap((line) => (line.kind === 'gateway' ? [line.message.type] : []));
    await waitFor('four answers', () => types().length >= 4);
    assert.deepEqual(types().sort(), ['freeRam', 'frequency', 'networkId', 'uptime']);
  });

  void test('queued request confirmed', async () => {
    const start = lines.length;
    await link?.writeLine('RQ:21:P_TXP:20');
    await waitFor('confirmation', () => lines.slice(start).some((line) => line.startsWith('[21] P_TXP:20:OK ')));
    assert.ok(lines.slice(start).includes('RQ:21:P_TXP:20'));
  });

  void test('onCommand sees commands', () => {
    assert.ok(commands.includes('14:OPN'));
    assert.ok(commands.includes('UPTIME'));
  });

  void test('writeRaw injects malformed lines', async () => {
    const before = link?.status().dropped ?? {};
    const start = lines.length;
    await simulator?.writeRaw('[abc] MOTION SS:-60');
    await simulator?.writeRaw(Buffer.from([0x5b, 0x37, 0x5d, 0x20, 0xff, 0x02]));
    await simulator?.writeRaw('y'.repeat(400));
    await waitFor('injected line', () => lines.slice(start).includes('[abc] MOTION SS:-60'));
    await waitFor('drops counted', () => (link?.status().dropped.overlong ?? 0) > (before.overlong ?? 0));
    assert.deepEqual(decodeMoteinoLine('[abc] MOTION SS:-60'), { kind: 'malformed', reason: 'badId' });
    assert.equal(link?.status().dropped.nonPrintable, (before.nonPrintable ?? 0) + 1);
  });
});

void describe('simulator lifecycle', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
  });
  after(() => removeFolder());

  void test('stop removes both links', async () => {
    const devicePath = path.join(folder, 'lifecycle');
    const { logger } = createCapturingLogger();
    const simulator = await startSimulator({ devicePath, intervalMs: 10, logger });
    assert.ok(existsSync(devicePath));
    await simulator.stop();
    assert.equal(existsSync(devicePath), false);
    assert.equal(existsSync(`${devicePath}.sim`), false);
  });

  void test('missing socat explains the fix', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = folder;
    try {
      await assert.rejects(startPtyPair(path.join(folder, 'no-socat')), /install socat/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
