import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LinkOwnStatus } from '../../src/radio/link.js';
import { TcpLink } from '../../src/radio/tcp-link.js';
import { createCapturingLogger, waitFor } from './helpers.js';

/** A local TCP server standing in for ser2net or a MySensors ethernet gateway, with one client at a time. */
class GatewayServer {
  readonly server: Server;
  sockets: Socket[] = [];
  received = '';

  constructor() {
    this.server = createServer((socket) => {
      this.sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        this.received += chunk.toString('latin1');
      });
      socket.on('error', () => undefined);
    });
  }

  async listen(port = 0): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    assert.ok(address !== null && typeof address === 'object');
    return address.port;
  }

  get open(): Socket[] {
    return this.sockets.filter((socket) => !socket.destroyed);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

void describe('TcpLink to a local server', () => {
  let server = new GatewayServer();
  let port = 0;
  let link: TcpLink | null = null;
  const lines: string[] = [];
  const statuses: LinkOwnStatus[] = [];
  const capture = createCapturingLogger();

  before(async () => {
    port = await server.listen();
    link = new TcpLink({ host: '127.0.0.1', port, logger: capture.logger, backoffInitialMs: 20, backoffMaxMs: 100 });
    link.on('line', (line) => lines.push(line));
    link.on('status', (status) => statuses.push(status));
    link.start();
    await waitFor('link open', () => link?.status().state === 'open');
    await waitFor('server side', () => server.open.length === 1);
  });

  after(async () => {
    await link?.stop();
    await server.close();
  });

  void test('status names the endpoint', () => {
    assert.equal(link?.status().port, `tcp://127.0.0.1:${port}`);
    assert.equal(link?.status().warning, null);
  });

  void test('reads framed lines', async () => {
    server.open[0]?.write('7;1;1;0;0;21.4\r\n\x000;255;3;0;2;2.3.2\n');
    await waitFor('two lines', () => lines.length >= 2);
    assert.deepEqual(lines.slice(0, 2), ['7;1;1;0;0;21.4', '0;255;3;0;2;2.3.2']);
    assert.equal(link?.status().linesRead, 2);
  });

  void test('writes reach the server', async () => {
    await link?.writeLine('7;3;1;0;2;1');
    await waitFor('line at server', () => server.received.includes('7;3;1;0;2;1\n'));
    assert.equal(server.received, '7;3;1;0;2;1\n');
  });

  void test('garbage sets and clears warning', async () => {
    const garbage = Buffer.alloc(2000);
    for (let index = 0; index < garbage.length; index += 1) {
      garbage[index] = index % 97 === 0 ? 0x0a : 0x80 + (index % 120);
    }
    server.open[0]?.write(garbage);
    await waitFor('warning', () => link?.status().warning !== null);
    assert.match(link?.status().warning ?? '', /many garbage bytes and no valid line/);
    assert.ok(statuses.some((status) => status.warning !== null));

    server.open[0]?.write('\n0;255;3;0;2;2.3.2\n');
    await waitFor('warning cleared', () => link?.status().warning === null);
  });

  void test('reconnects after the server drops it', async () => {
    server.open[0]?.destroy();
    await waitFor('closed', () => link?.status().state === 'closed');
    assert.match(link?.status().reason ?? '', /closed the connection/);
    await waitFor('open again', () => link?.status().state === 'open');
    await waitFor('one connection', () => server.open.length === 1);
    server.open[0]?.write('7;2;1;0;1;63\n');
    await waitFor('line after reconnect', () => lines.at(-1) === '7;2;1;0;1;63');
  });

  void test('retries while the server is down', async () => {
    await server.close();
    await waitFor('closed', () => link?.status().state === 'closed' && link.status().retryInMs !== null);
    const connectingBefore = statuses.filter((status) => status.state === 'connecting').length;
    await waitFor('several attempts', () => statuses.filter((status) => status.state === 'connecting').length >= connectingBefore + 3, 3000);
    // The current status may be a new attempt (connecting, no reason yet), so look at the recorded ones.
    assert.ok(
      statuses.some((status) => status.state === 'closed' && /ECONNREFUSED/.test(status.reason ?? '')),
      'no closed status names ECONNREFUSED',
    );

    server = new GatewayServer();
    await server.listen(port);
    await waitFor('open again', () => link?.status().state === 'open', 3000);
    await waitFor('one connection', () => server.open.length === 1);
    assert.equal(server.sockets.length, 1);
  });
});
