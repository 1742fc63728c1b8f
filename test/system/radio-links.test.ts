import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Stack, users } from '../support/stack.js';

type Json = Record<string, unknown>;
interface LinkJson {
  gateway: string;
  dialect: string;
  state: string;
  port: string;
  warning: string | null;
  responding?: boolean | null;
  linesRead: number;
  dropped: Record<string, number>;
}
interface NodeJson {
  id: number;
  gateway: string;
  metrics: Record<string, { value: unknown; unit: unknown }>;
}

const isNode = (id: number, gateway: string) => (message: Json) =>
  message.type === 'node' && (message.node as NodeJson).id === id && (message.node as NodeJson).gateway === gateway;
const isLink = (gateway: string, check: (link: LinkJson) => boolean) => (message: Json) =>
  message.type === 'link' && (message.link as LinkJson).gateway === gateway && check(message.link as LinkJson);

/** A MySensors ethernet gateway stand-in on 127.0.0.1: it keeps what the hub writes. */
let tcpServer: Server;
let tcpPort = 0;
const tcpSockets: Socket[] = [];
let tcpReceived = '';

let stack: Stack;
before(async () => {
  tcpServer = createServer((socket) => {
    tcpSockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      tcpReceived += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
  });
  tcpServer.listen(0, '127.0.0.1');
  await once(tcpServer, 'listening');
  const address = tcpServer.address();
  assert.ok(address !== null && typeof address === 'object');
  tcpPort = address.port;

  stack = await Stack.start({
    extraRadios: [
      { name: 'garden', dialect: 'mysensors' },
      { name: 'attic', dialect: 'mysensors', probeIntervalSeconds: 1 },
      { name: 'shed', dialect: 'mysensors', port: `tcp://127.0.0.1:${tcpPort}` },
    ],
  });
  await stack.hub?.waitForLine(/"gateway":"garden".*"state":"open"|"state":"open".*"gateway":"garden"/);
});

after(async () => {
  await stack.stop();
  for (const socket of tcpSockets) {
    socket.destroy();
  }
  await new Promise<void>((resolve) => tcpServer.close(() => resolve()));
});

async function health(): Promise<LinkJson[]> {
  const response = await stack.request('/api/health', { user: users.viewer });
  return (JSON.parse(response.body) as { links: LinkJson[] }).links;
}

function garden() {
  const pair = stack.radios.get('garden');
  assert.ok(pair !== undefined);
  return pair;
}

test('snapshot lists every gateway', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  const snapshot = await socket.waitFor((message) => message.type === 'snapshot');
  await socket.close();
  const links = snapshot.links as LinkJson[];
  assert.deepEqual(
    links.map((link) => [link.gateway, link.dialect]),
    [
      ['radio', 'moteino'],
      ['garden', 'mysensors'],
      ['attic', 'mysensors'],
      ['shed', 'mysensors'],
    ],
  );
  assert.equal(links[3]?.port, `tcp://127.0.0.1:${tcpPort}`);
});

test('two dialects update one websocket', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await stack.radio.write('[11] MOTION BAT:3.27v SS:-64\n');
  await garden().write('7;1;1;0;0;21.4\n7;255;3;0;0;87\n');

  const moteino = (await socket.waitFor(isNode(11, 'radio'))).node as NodeJson;
  assert.equal(moteino.metrics.battery?.value, 3.27);
  await socket.waitFor((message) => isNode(7, 'garden')(message) && (message.node as NodeJson).metrics.battery !== undefined);
  const mysensors = socket.messages.filter(isNode(7, 'garden')).at(-1)?.node as NodeJson;
  await socket.close();
  assert.equal(mysensors.metrics.temperature1?.value, 21.4);
  assert.equal(mysensors.metrics.temperature1?.unit, '°C');
  assert.equal(mysensors.metrics.battery?.value, 87);
  assert.equal(mysensors.metrics.battery?.unit, '%');
});

test('mysensors drops counted by reason', async () => {
  const before = (await health()).find((link) => link.gateway === 'garden');
  await garden().write('7;1;1;0;0;warm\n7;1;9;0;0;1\n300;1;1;0;0;1\n');
  let after = before;
  const deadline = Date.now() + 5000;
  while ((after?.dropped.badNodeId ?? 0) === (before?.dropped.badNodeId ?? 0) && Date.now() < deadline) {
    await delay(50);
    after = (await health()).find((link) => link.gateway === 'garden');
  }
  assert.equal((after?.dropped.badValue ?? 0) - (before?.dropped.badValue ?? 0), 1);
  assert.equal((after?.dropped.badCommand ?? 0) - (before?.dropped.badCommand ?? 0), 1);
  assert.equal((after?.dropped.badNodeId ?? 0) - (before?.dropped.badNodeId ?? 0), 1);
});

test('mysensors controller duties', async () => {
  await garden().write('255;255;3;0;3;\n');
  await garden().waitForLine('255;255;3;0;4;1');

  await garden().write('7;255;3;0;6;0\n');
  await garden().waitForLine('7;255;3;0;6;M');

  const before = Math.floor(Date.now() / 1000);
  await garden().write('7;255;3;0;1;\n');
  const deadline = Date.now() + 5000;
  let answer: string | undefined;
  while (answer === undefined && Date.now() < deadline) {
    answer = garden().received.split('\n').find((line) => line.startsWith('7;255;3;0;1;'));
    await delay(20);
  }
  const seconds = Number(answer?.split(';')[5]);
  assert.ok(seconds >= before && seconds <= before + 10, `time answer ${answer}`);

  await garden().write('7;3;1;0;2;1\n7;3;2;0;2;\n');
  await garden().waitForLine('7;3;1;0;2;1');
});

test('mysensors command via REST', async () => {
  const result = await stack.request('/api/nodes/7/commands', { user: users.operator, method: 'POST', body: { payload: '3;V_STATUS;0' } });
  assert.equal(result.status, 202, result.body);
  await garden().waitForLine('7;3;1;0;2;0');

  const invalid = await stack.request('/api/nodes/7/commands', { user: users.operator, method: 'POST', body: { payload: 'OPN' } });
  assert.equal(invalid.status, 400);
  assert.match(invalid.body, /PROTOCOL_COMMAND_INVALID/);
});

test('node id on two gateways warns once', async () => {
  await stack.radio.write('[7] MOTION SS:-60\n');
  await stack.hub?.waitForLine(/node id heard on two radio gateways/);
  await garden().write('7;2;1;0;1;63\n');
  await stack.radio.write('[7] MOTION SS:-61\n');
  await delay(300);
  const warnings = stack.hub?.output.split('\n').filter((line) => line.includes('node id heard on two radio gateways')) ?? [];
  assert.equal(warnings.length, 1);
  const node = JSON.parse((await stack.request('/api/nodes/7', { user: users.viewer })).body) as NodeJson;
  assert.equal(node.gateway, 'radio');
});

test('silent mysensors gateway not responding', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  const silent = await socket.waitFor(isLink('attic', (link) => link.responding === false), 10_000);
  assert.match((silent.link as LinkJson).warning ?? '', /looks disconnected/);
  const attic = stack.radios.get('attic');
  assert.ok(attic !== undefined);
  assert.match(attic.received, /^0;255;3;0;2;$/m);

  await attic.write('0;255;3;0;2;2.3.2\n');
  await socket.waitFor(isLink('attic', (link) => link.responding === true && link.warning === null), 5000);
  await socket.close();
});

test('tcp gateway feeds nodes and takes probes', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  assert.equal(tcpSockets.filter((item) => !item.destroyed).length, 1);
  tcpSockets.at(-1)?.write('21;1;1;0;0;19.5\n');
  const node = (await socket.waitFor(isNode(21, 'shed'))).node as NodeJson;
  assert.equal(node.metrics.temperature1?.value, 19.5);
  assert.match(tcpReceived, /^0;255;3;0;2;$/m);

  // The gateway drops the connection: the link closes, reconnects and reads again.
  tcpSockets.at(-1)?.destroy();
  await socket.waitFor(isLink('shed', (link) => link.state === 'closed'), 5000);
  await socket.waitFor((message) => isLink('shed', (link) => link.state === 'open')(message) && socket.messages.indexOf(message) > 0, 10_000);
  const deadline = Date.now() + 5000;
  while (tcpSockets.filter((item) => !item.destroyed).length !== 1 && Date.now() < deadline) {
    await delay(20);
  }
  tcpSockets.at(-1)?.write('21;1;1;0;0;19.7\n');
  await socket.waitFor((message) => isNode(21, 'shed')(message) && (message.node as NodeJson).metrics.temperature1?.value === 19.7);
  await socket.close();
});

test('wrong baud garbage sets a warning', async () => {
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  const garbage = Buffer.alloc(4000);
  for (let index = 0; index < garbage.length; index += 1) {
    garbage[index] = [0x00, 0xf8, 0x80, 0xe0, 0x0a, 0xfe, 0x1c, 0x9c][index % 8] ?? 0;
  }
  await stack.radio.write(garbage);
  const warned = await socket.waitFor(isLink('radio', (link) => link.warning !== null), 5000);
  assert.match((warned.link as LinkJson).warning ?? '', /check the baud rate/);
  assert.equal((await health())[0]?.warning, (warned.link as LinkJson).warning);

  await stack.radio.write('\n[18] OPN BAT:3.90v SS:-69\n');
  await socket.waitFor(isLink('radio', (link) => link.warning === null), 5000);
  await socket.close();
});

test('flood of 10000 lines all counted', async () => {
  const before = (await health())[0];
  assert.ok(before !== undefined);
  const lines: Buffer[] = [];
  for (let index = 0; index < 10_000; index += 1) {
    if (index % 20 === 0) {
      lines.push(Buffer.from([0x5b, 0xff, 0x01, 0x5d, 0x0a]));
    } else if (index % 20 === 1) {
      lines.push(Buffer.from('[abc] MOTION SS:-60\n'));
    } else {
      lines.push(Buffer.from(`[${100 + (index % 50)}] MOTION BAT:3.${index % 10}0v SS:-${40 + (index % 50)}\n`));
    }
  }
  const stream = Buffer.concat(lines);
  for (let offset = 0; offset < stream.length; offset += 16_384) {
    await stack.radio.write(stream.subarray(offset, offset + 16_384));
  }

  const nonPrintable = 500;
  const badId = 500;
  let after = before;
  const deadline = Date.now() + 30_000;
  while (after.linesRead - before.linesRead < 10_000 - nonPrintable && Date.now() < deadline) {
    await delay(100);
    after = (await health())[0] ?? after;
  }
  assert.equal(after.linesRead - before.linesRead, 10_000 - nonPrintable);
  assert.equal((after.dropped.nonPrintable ?? 0) - (before.dropped.nonPrintable ?? 0), nonPrintable);
  assert.equal((after.dropped.badId ?? 0) - (before.dropped.badId ?? 0), badId);

  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await stack.radio.write('[25] 87.4cm BAT:4.10v SS:-68\n');
  await socket.waitFor(isNode(25, 'radio'));
  await socket.close();
  assert.equal(stack.hub?.child.exitCode, null);
});
