import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createRoleResolver, ensureDataDir } from '../../src/auth/index.js';
import { Hub } from '../../src/hub/hub.js';
import { createLogger } from '../../src/log/logger.js';
import { moteinoCodec } from '../../src/radio/moteino/index.js';
import { SerialLink } from '../../src/radio/serial-link.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { netnsUnavailableReason, TestNamespace } from '../support/netns.js';
import { Stack } from '../support/stack.js';

const skip = await netnsUnavailableReason();

describe('hub peer check', { skip: skip ?? false }, () => {
  const namespace = new TestNamespace('peer');
  const hostAddress = '10.213.7.1';
  const logLines: string[] = [];
  let hub: Hub;
  let dataDir: string;

  before(async () => {
    await namespace.create({ hostAddress, peerAddress: '10.213.7.2' });
    dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-peer-'));
    await ensureDataDir(dataDir);
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    const logger = createLogger({ level: 'info', destination });
    // Bound to the veth address on purpose: the config can never do this, and the peer check must
    // still reject the namespace's client.
    hub = new Hub({
      port: 0,
      host: hostAddress,
      pingIntervalMs: 30_000,
      gateways: [
        { name: 'radio', dialect: 'moteino', link: new SerialLink({ path: path.join(dataDir, 'no-such-device'), baudRate: 115200, logger }), codec: moteinoCodec() },
      ],
      roles: createRoleResolver(dataDir),
      dataDir,
      secretMatches: () => true,
      logger,
    });
    await hub.start();
  });

  after(async () => {
    await hub.stop();
    await namespace.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('non-loopback peer is cut off', async () => {
    // The client sends a request that even carries a (here always accepted) secret header.
    const script = `
      const socket = require('node:net').connect(${hub.port}, '${hostAddress}');
      let connected = false, bytes = 0;
      socket.on('connect', () => { connected = true; socket.write('GET /api/nodes HTTP/1.1\\r\\nHost: x\\r\\nx-gatehouse-secret: s\\r\\nx-gatehouse-user: alice\\r\\n\\r\\n'); });
      socket.on('data', (chunk) => { bytes += chunk.length; });
      socket.on('error', () => {});
      socket.on('close', () => { console.log(JSON.stringify({ connected, bytes })); });
      setTimeout(() => { console.log(JSON.stringify({ connected, bytes, timeout: true })); process.exit(0); }, 5000);
    `;
    const output = await namespace.exec(process.execPath, ['-e', script]);
    const result = JSON.parse(output.trim().split('\n')[0] ?? '{}') as { connected: boolean; bytes: number; timeout?: boolean };
    assert.equal(result.connected, true, 'the TCP connection itself should reach the hub');
    assert.equal(result.bytes, 0, 'the hub must not answer a non-loopback peer');
    assert.equal(result.timeout, undefined, 'the hub should close the connection at once');
    assert.ok(logLines.some((line) => line.includes('rejected a non-loopback peer')));
  });
});

describe('listening sockets', { skip: skip ?? false }, () => {
  const namespace = new TestNamespace('listen');
  let stack: Stack;

  before(async () => {
    await namespace.create();
    stack = await Stack.start({ netns: namespace.name, listenAddress: '0.0.0.0' });
  });

  after(async () => {
    await stack.stop();
    await namespace.remove();
  });

  test('only the front ports face the network', async () => {
    // In a namespace of their own, the listeners of front and hub are the only ones ss shows.
    const output = await namespace.exec('ss', ['-ltnH']);
    const listeners = output
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3] ?? '')
      .filter((address) => address.length > 0);
    const exposed = listeners.filter((address) => !address.startsWith('127.') && !address.startsWith('[::1]'));
    const exposedPorts = exposed.map((address) => Number(address.slice(address.lastIndexOf(':') + 1))).sort((a, b) => a - b);

    assert.deepEqual(exposedPorts, [stack.ports.http, stack.ports.https].sort((a, b) => a - b), `listeners: ${listeners.join(', ')}`);
    assert.ok(listeners.includes(`127.0.0.1:${stack.ports.hub}`), `listeners: ${listeners.join(', ')}`);
  });
});
