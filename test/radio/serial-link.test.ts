import assert from 'node:assert/strict';
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { GatehouseError } from '../../src/errors/index.js';
import type { LinkOwnStatus as LinkStatus } from '../../src/radio/link.js';
import { nextReopenDelay } from '../../src/radio/reopen-delay.js';
import { SerialLink } from '../../src/radio/serial-link.js';
import { startPtyPair, type PtyPair } from '../../src/radio/simulator/pty-pair.js';
import { createCapturingLogger, createTemporaryFolder, PeerPort, waitFor } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    return error;
  }
  assert.fail('expected a GatehouseError');
}

void describe('nextReopenDelay', () => {
  const base = { initialMs: 500, maxMs: 30_000, permanent: false };
  void test('first attempt without jitter', () => {
    assert.equal(nextReopenDelay({ ...base, attempt: 0, random: () => 1 }), 500);
  });
  void test('first attempt with jitter', () => {
    assert.equal(nextReopenDelay({ ...base, attempt: 0, random: () => 0 }), 250);
  });
  void test('doubles per attempt', () => {
    assert.equal(nextReopenDelay({ ...base, attempt: 3, random: () => 1 }), 4000);
  });
  void test('capped at the maximum', () => {
    assert.equal(nextReopenDelay({ ...base, attempt: 500, random: () => 1 }), 30_000);
  });
  void test('permanent error waits the maximum', () => {
    assert.equal(nextReopenDelay({ ...base, permanent: true, attempt: 0, random: () => 1 }), 30_000);
  });
});

void describe('SerialLink over a pty pair', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();
  let devicePath = '';
  let pair: PtyPair | null = null;
  let peer: PeerPort | null = null;
  let link: SerialLink | null = null;
  const statuses: LinkStatus[] = [];
  const lines: string[] = [];
  const capture = createCapturingLogger();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    devicePath = path.join(folder, 'radio');
    pair = await startPtyPair(devicePath);
    peer = await PeerPort.open(pair.peerPath);
    link = new SerialLink({ path: devicePath, baudRate: 115200, logger: capture.logger, backoffInitialMs: 50, backoffMaxMs: 200 });
    link.on('status', (status) => statuses.push(status));
    link.on('line', (line) => lines.push(line));
    link.start();
    await waitFor('link open', () => link?.status().state === 'open');
  });

  after(async () => {
    await link?.stop();
    await peer?.close();
    await pair?.stop();
    await removeFolder();
  });

  void test('passes through connecting to open', () => {
    assert.equal(statuses[0]?.state, 'connecting');
    assert.equal(statuses.at(-1)?.state, 'open');
  });

  void test('reads framed lines', async () => {
    await peer?.write('\x00[11] MOTION BAT:3.27v SS:-64\r\nACK:OK\n');
    await waitFor('two lines', () => lines.length >= 2);
    assert.deepEqual(lines.slice(0, 2), ['[11] MOTION BAT:3.27v SS:-64', 'ACK:OK']);
    assert.equal(link?.status().linesRead, 2);
  });

  void test('counts dropped lines', async () => {
    const before = lines.length;
    await peer?.write(Buffer.concat([Buffer.from('x'.repeat(300) + '\n\xff\xfe\n', 'latin1'), Buffer.from('ACK:NOK\n')]));
    await waitFor('line after noise', () => lines.length > before);
    assert.equal(lines.at(-1), 'ACK:NOK');
    assert.equal(link?.status().dropped.overlong, 1);
    assert.equal(link?.status().dropped.nonPrintable, 1);
  });

  void test('writeLine reaches the peer', async () => {
    await link?.writeLine('14:OPN');
    await waitFor('command at peer', () => peer?.lines().includes('14:OPN') === true);
    assert.equal(peer?.received, '14:OPN\n');
  });

  void test('writeLine rejects a line break', async () => {
    const error = await rejection(link?.writeLine('14:OPN\n15:CLS') ?? Promise.resolve());
    assert.equal(error.code, 'PROTOCOL_COMMAND_INVALID');
  });

  void test('reopens after socat restarts', async () => {
    await peer?.close();
    await pair?.stop();
    await waitFor('link closed', () => link?.status().state === 'closed');
    const closed = link?.status();
    assert.notEqual(closed?.retryInMs, null);
    assert.match(closed?.reason ?? '', /disconnected|closed/);

    const whileClosed = await rejection(link?.writeLine('14:CLS') ?? Promise.resolve());
    assert.equal(whileClosed.code, 'SERIAL_LINK_CLOSED');

    // Let a few reopen attempts fail on the missing device before it comes back.
    await delay(300);
    const attemptsWhileMissing = statuses.filter((status) => status.state === 'connecting').length;
    assert.ok(attemptsWhileMissing >= 3, `only ${attemptsWhileMissing} connecting states`);

    pair = await startPtyPair(devicePath);
    peer = await PeerPort.open(pair.peerPath);
    await waitFor('link open again', () => link?.status().state === 'open');
    await peer.write('[14] STS:OPN SS:-58\n');
    await waitFor('line after reopen', () => lines.at(-1) === '[14] STS:OPN SS:-58');
    await link?.writeLine('14:CLS');
    await waitFor('command after reopen', () => peer?.lines().includes('14:CLS') === true);
  });

  void test('logs state changes at info', () => {
    const records = capture.records();
    const opened = records.filter((record) => record.msg === 'radio link open' && record.level === 30);
    assert.equal(opened.length, 2);
    const perLine = records.filter((record) => String(record.msg).includes('MOTION'));
    assert.equal(perLine.length, 0);
  });
});

void describe('SerialLink without a device', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
  });
  after(() => removeFolder());

  void test('missing device is closed', async () => {
    const { logger } = createCapturingLogger();
    const link = new SerialLink({ path: path.join(folder, 'missing'), baudRate: 115200, logger, backoffInitialMs: 1000, backoffMaxMs: 1000, random: () => 1 });
    link.start();
    await waitFor('link closed', () => link.status().state === 'closed' && link.status().retryInMs !== null);
    const status = link.status();
    assert.equal(status.retryInMs, 1000);
    assert.match(status.reason ?? '', /No such file/);
    const error = await rejection(link.writeLine('14:OPN'));
    assert.equal(error.code, 'SERIAL_LINK_CLOSED');
    await link.stop();
  });

  void test('non-terminal path is failed', async () => {
    const file = path.join(folder, 'plain-file');
    await writeFile(file, '');
    const { logger, records } = createCapturingLogger();
    const link = new SerialLink({ path: file, baudRate: 115200, logger, backoffInitialMs: 10, backoffMaxMs: 5000, random: () => 1 });
    link.start();
    await waitFor('link failed', () => link.status().state === 'failed');
    assert.equal(link.status().retryInMs, 5000);
    assert.equal(records().filter((record) => record.msg === 'radio link failed').length, 1);
    await link.stop();
  });

  void test('stop ends reopen attempts', async () => {
    const { logger } = createCapturingLogger();
    const link = new SerialLink({ path: path.join(folder, 'missing'), baudRate: 115200, logger, backoffInitialMs: 10, backoffMaxMs: 10 });
    const statuses: LinkStatus[] = [];
    link.on('status', (status) => statuses.push(status));
    link.start();
    await waitFor('a retry', () => statuses.filter((status) => status.state === 'connecting').length >= 2);
    await link.stop();
    const count = statuses.length;
    await delay(100);
    assert.equal(statuses.length, count);
    assert.equal(link.status().state, 'closed');
    assert.equal(link.status().reason, 'stopped');
    assert.equal(link.status().retryInMs, null);
  });
});

void describe('SerialLink when its device path goes away', () => {
  void test('a removed device path closes an open link', async () => {
    const { folder, remove } = await createTemporaryFolder();
    const devicePath = path.join(folder, 'radio');
    const pair = await startPtyPair(devicePath);
    const capture = createCapturingLogger();
    const link = new SerialLink({ path: devicePath, baudRate: 115200, logger: capture.logger, backoffInitialMs: 50, backoffMaxMs: 200, presenceCheckMs: 100 });
    try {
      link.start();
      await waitFor('link open', () => link.status().state === 'open');
      // The pty stays alive, so the port emits no close event. Only the path is gone, as after a
      // replug that left no by-id link behind.
      await unlink(devicePath);
      await waitFor('link closed', () => link.status().state !== 'open');
      assert.match(link.status().reason ?? '', /disappeared|No such file/);
    } finally {
      await link.stop();
      await pair.stop();
      await remove();
    }
  });
});
