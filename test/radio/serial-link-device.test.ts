import assert from 'node:assert/strict';
import { mkdir, readdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { SerialLink } from '../../src/radio/serial-link.js';
import { startPtyPair, type PtyPair } from '../../src/radio/simulator/pty-pair.js';
import { createCapturingLogger, createTemporaryFolder, PeerPort, waitFor } from './helpers.js';

/** Counts this process's file descriptors open on pseudo-terminals other than those in `except`. */
async function openTerminals(except: ReadonlySet<string>): Promise<number> {
  let count = 0;
  for (const name of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${name}`).catch(() => '');
    if (target.startsWith('/dev/pts/') && !except.has(target)) {
      count += 1;
    }
  }
  return count;
}

async function pointLink(link: string, target: string): Promise<void> {
  await rm(link, { force: true });
  await symlink(target, link);
}

void describe('SerialLink device handling', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();
  const pairs: PtyPair[] = [];
  const peers: PeerPort[] = [];
  const links: SerialLink[] = [];
  /** Terminals the test's own peer ends use, which the descriptor count leaves out. */
  const peerDevices = new Set<string>();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    await mkdir(path.join(folder, 'by-id'));
  });

  after(async () => {
    for (const link of links) {
      await link.stop();
    }
    for (const peer of peers) {
      await peer.close();
    }
    for (const pair of pairs) {
      await pair.stop();
    }
    await removeFolder();
  });

  async function plug(name: string): Promise<{ pair: PtyPair; peer: PeerPort; device: string }> {
    const pair = await startPtyPair(path.join(folder, name));
    pairs.push(pair);
    peerDevices.add(await realpath(pair.peerPath));
    const peer = await PeerPort.open(pair.peerPath);
    peers.push(peer);
    return { pair, peer, device: await realpath(path.join(folder, name)) };
  }

  void test('by-id link resolved on each open', async () => {
    const byId = path.join(folder, 'by-id', 'usb-FTDI_FT231X-if00-port0');
    const first = await plug('ttyUSB0');
    await pointLink(byId, path.join(folder, 'ttyUSB0'));
    const capture = createCapturingLogger();
    const link = new SerialLink({ path: byId, baudRate: 115200, logger: capture.logger, backoffInitialMs: 20, backoffMaxMs: 100 });
    links.push(link);
    link.start();
    await waitFor('open', () => link.status().state === 'open');

    // Unplug: the adapter comes back under another name and udev repoints the by-id link. The second
    // pair starts first so that it gets another pseudo-terminal number.
    const second = await plug('ttyUSB1');
    await first.peer.close();
    await first.pair.stop();
    await rm(byId, { force: true });
    await waitFor('closed', () => link.status().state === 'closed');
    await pointLink(byId, path.join(folder, 'ttyUSB1'));
    await waitFor('open again', () => link.status().state === 'open');
    await second.peer.write('[11] MOTION SS:-60\n');
    const lines: string[] = [];
    link.on('line', (line) => lines.push(line));
    await second.peer.write('[12] MOTION SS:-61\n');
    await waitFor('line', () => lines.includes('[12] MOTION SS:-61'));
    await link.stop();

    const resolved = capture.records().filter((record) => record.msg === 'radio port resolved to a device');
    assert.deepEqual(
      resolved.map((record) => record.device),
      [first.device, second.device],
    );
    assert.equal(link.status().port, byId);
  });

  void test('never two open ports', async () => {
    const devicePath = path.join(folder, 'ttyS9');
    let plugged = await plug('ttyS9');
    const capture = createCapturingLogger();
    const link = new SerialLink({ path: devicePath, baudRate: 115200, logger: capture.logger, backoffInitialMs: 5, backoffMaxMs: 20 });
    links.push(link);
    const baseline = await openTerminals(peerDevices);
    let maxOpen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxOpen = Math.max(maxOpen, (await openTerminals(peerDevices)) - baseline);
        await delay(1);
      }
    })();
    link.start();
    await waitFor('open', () => link.status().state === 'open');
    assert.equal((await openTerminals(peerDevices)) - baseline, 1);

    // Unplug and replug quickly, several times, while the link retries every few milliseconds.
    for (let round = 0; round < 5; round += 1) {
      await plugged.peer.close();
      await plugged.pair.stop();
      await delay(15);
      plugged = await plug('ttyS9');
      await waitFor('open again', () => link.status().state === 'open');
    }
    await link.stop();
    sampling = false;
    await sampler;
    assert.ok(maxOpen <= 1, `at most one open terminal for the link, saw ${maxOpen}`);
    assert.equal((await openTerminals(peerDevices)) - baseline, 0);
  });

  void test('wrong baud warning over a pty', async () => {
    const { pair, peer } = await plug('ttyAMA0');
    const capture = createCapturingLogger();
    const link = new SerialLink({ path: pair.devicePath, baudRate: 115200, logger: capture.logger });
    links.push(link);
    link.start();
    await waitFor('open', () => link.status().state === 'open');
    // Bytes as a 19200-baud sketch looks at 115200: framing errors read as NULs and high-bit bytes.
    const garbage = Buffer.alloc(3000);
    for (let index = 0; index < garbage.length; index += 1) {
      garbage[index] = [0x00, 0xf8, 0x80, 0xe0, 0x0a, 0xfe, 0x1c][index % 7] ?? 0;
    }
    await peer.write(garbage);
    await waitFor('warning', () => link.status().warning !== null);
    assert.match(link.status().warning ?? '', /check the baud rate/);
    assert.equal(link.status().state, 'open');
    assert.equal(capture.records().filter((record) => String(record.msg).startsWith('radio link reads garbage')).length, 1);

    // The first LF ends the partial garbage line, so the next line is read whole.
    await peer.write('\n[11] MOTION SS:-64\n');
    await waitFor('cleared', () => link.status().warning === null);
    await link.stop();
  });
});
