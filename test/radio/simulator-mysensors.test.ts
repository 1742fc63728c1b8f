import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeMySensorsPacket, encodeMySensorsCommand } from '../../src/radio/mysensors/index.js';
import { MySensorsSession } from '../../src/radio/mysensors-session.js';
import { SerialLink } from '../../src/radio/serial-link.js';
import { startSimulator, type Simulator } from '../../src/radio/simulator/index.js';
import { createCapturingLogger, createTemporaryFolder, waitFor } from './helpers.js';

void describe('mysensors simulator with a controller', () => {
  let removeFolder: () => Promise<void> = () => Promise.resolve();
  let simulator: Simulator | null = null;
  let link: SerialLink | null = null;
  let session: MySensorsSession | null = null;
  const lines: string[] = [];
  const commands: string[] = [];

  before(async () => {
    let folder = '';
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    const devicePath = path.join(folder, 'radio');
    const { logger } = createCapturingLogger();
    simulator = await startSimulator({ devicePath, intervalMs: 20, logger, dialect: 'mysensors' });
    simulator.onCommand((line) => commands.push(line));
    const opened = new SerialLink({ path: devicePath, baudRate: 115200, logger, backoffInitialMs: 50, backoffMaxMs: 200 });
    link = opened;
    const controller = new MySensorsSession({ gateway: 'garden', idsFile: path.join(folder, 'ids.json'), probeIntervalMs: 60_000, logger });
    session = controller;
    await controller.start({ write: (line) => opened.writeLine(line), linkOpen: () => opened.status().state === 'open', statusChanged: () => undefined });
    opened.on('line', (line) => {
      lines.push(line);
      controller.onLine(line);
    });
    opened.on('status', (status) => controller.onLinkState(status.state === 'open'));
    opened.start();
    await waitFor('link open', () => opened.status().state === 'open');
  });

  after(async () => {
    await session?.stop();
    await link?.stop();
    await simulator?.stop();
    await removeFolder();
  });

  void test('probe answered with version', async () => {
    await waitFor('probe', () => commands.includes('0;255;3;0;2;'));
    await waitFor('version', () => lines.includes('0;255;3;0;2;2.3.2'));
    assert.equal(session?.status().responding, true);
  });

  void test('new node gets an id', async () => {
    await waitFor('id response', () => commands.some((line) => line.startsWith('255;255;3;0;4;')));
    const response = commands.find((line) => line.startsWith('255;255;3;0;4;'));
    const id = Number(response?.split(';')[5]);
    assert.ok(id >= 1 && id <= 254, `id ${id}`);
    assert.notEqual(id, 7);
    assert.notEqual(id, 12);
    await waitFor('presentation under the new id', () => lines.includes(`${id};255;3;0;11;Mailbox`));
  });

  void test('nodes report decodable values', async () => {
    await waitFor('values', () => lines.map(decodeMySensorsPacket).filter((line) => line.kind === 'packet').length >= 6);
    const packets = lines.map(decodeMySensorsPacket).flatMap((line) => (line.kind === 'packet' ? [line.packet] : []));
    const names = new Set(packets.map((packet) => `${packet.nodeId}:${packet.metrics[0]?.name}`));
    assert.ok(names.has('7:temperature1'), [...names].join(','));
    assert.ok(names.has('7:battery'), [...names].join(','));
  });

  void test('relay switched by a command', async () => {
    await link?.writeLine(encodeMySensorsCommand(7, '3;V_STATUS;1'));
    await waitFor('relay state', () => lines.includes('7;3;1;0;2;1'));
    assert.ok(commands.includes('7;3;1;0;2;1'));
  });
});
