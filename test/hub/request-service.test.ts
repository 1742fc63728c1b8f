import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { Actor } from '../../src/hub/commands.js';
import { RequestService } from '../../src/hub/request-service.js';
import type { NodeRequest } from '../../src/protocol/index.js';
import type { LinkOwnStatus, RadioLink, RadioLinkEvents } from '../../src/radio/link.js';
import { moteinoCodec } from '../../src/radio/moteino/index.js';
import { captureLogs } from '../auth/helpers.js';

/** A link that records written lines; the request timers are the subject here, not the serial port. */
class RecordingLink extends EventEmitter implements RadioLink {
  readonly lines: string[] = [];
  open = true;
  start(): void {}
  async stop(): Promise<void> {}
  writeLine(line: string): Promise<void> {
    if (!this.open) {
      return Promise.reject(new Error('closed'));
    }
    this.lines.push(line);
    return Promise.resolve();
  }
  status(): LinkOwnStatus {
    return { state: this.open ? 'open' : 'closed', port: 'memory', since: '', reason: null, retryInMs: null, linesRead: 0, dropped: {}, warning: null };
  }
  override on<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this {
    return super.on(event, listener);
  }
  override off<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this {
    return super.off(event, listener);
  }
}

const operator: Actor = { name: 'olivia', role: 'operator', client: '192.0.2.1' };
const timeoutMs = 10 * 60_000;
let dataDir: string;
let clock: number;
let link: RecordingLink;
let changes: NodeRequest[];

function service(): RequestService {
  const codec = moteinoCodec();
  const route = { gateway: 'radio', link, encodeRequest: codec.encodeRequest.bind(codec), encodeRequestCancel: codec.encodeRequestCancel.bind(codec) };
  return new RequestService({
    dataDir,
    route: () => route,
    routeOfGateway: (name) => (name === 'radio' ? route : null),
    timeoutMs,
    onChange: (request) => changes.push(request),
    logger: captureLogs().logger,
    now: () => new Date(clock),
  });
}

/** Moves the fake clock and the fake timers forward together. */
function advance(ms: number): void {
  clock += ms;
  mock.timers.tick(ms);
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-requests-'));
  clock = Date.parse('2026-03-01T08:00:00.000Z');
  link = new RecordingLink();
  changes = [];
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(async () => {
  mock.timers.reset();
  await rm(dataDir, { recursive: true, force: true });
});

test('pending request times out at deadline', async () => {
  const requests = service();
  await requests.start();
  const created = await requests.create(operator, 21, 'P_TXP', '20');
  assert.deepEqual(link.lines, ['RQ:21:P_TXP:20']);

  advance(timeoutMs - 1);
  assert.equal(requests.recent()[0]?.state, 'pending');
  advance(1);
  assert.equal(requests.recent()[0]?.state, 'timedOut');
  assert.deepEqual(
    changes.map((request) => request.state),
    ['pending', 'timedOut'],
  );
  await requests.stop();
  assert.deepEqual(link.lines, ['RQ:21:P_TXP:20', '21:VOID:P_TXP:20'], 'the timed out request leaves the board queue');
  assert.equal(created.expiresAt, new Date(Date.parse('2026-03-01T08:00:00.000Z') + timeoutMs).toISOString());
});

test('confirmation stops the deadline', async () => {
  const requests = service();
  await requests.start();
  await requests.create(operator, 21, 'P_TXP', '20');
  advance(1000);
  requests.onConfirmations(21, [{ name: 'P_TXP', value: '20', status: 'ok' }]);
  advance(timeoutMs);
  assert.deepEqual(
    changes.map((request) => request.state),
    ['pending', 'ok'],
  );
  await requests.stop();
  assert.deepEqual(link.lines, ['RQ:21:P_TXP:20'], 'a confirmed request needs no VOID');
});

test('other status words leave request pending', async () => {
  const requests = service();
  await requests.start();
  await requests.create(operator, 21, 'P_TXP', '20');
  requests.onConfirmations(21, [{ name: 'P_TXP', value: '20', status: 'other' }]);
  requests.onConfirmations(22, [{ name: 'P_TXP', value: '20', status: 'ok' }]);
  assert.equal(requests.recent()[0]?.state, 'pending');
  await requests.stop();
});

test('saved requests time out after restart', async () => {
  const first = service();
  await first.start();
  await first.create(operator, 21, 'P_TXP', '20');
  await first.stop();
  const file = path.join(dataDir, 'requests.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.match(await readFile(file, 'utf8'), /"state": "pending"/);

  // The hub was down past the deadline: the request times out as soon as it is loaded.
  clock += timeoutMs + 1;
  const second = service();
  await second.start();
  mock.timers.tick(0);
  assert.equal(second.recent()[0]?.state, 'timedOut');
  await second.stop();
});

test('ended requests drop after an hour', async () => {
  const requests = service();
  await requests.start();
  const created = await requests.create(operator, 21, 'P_TXP', '20');
  await requests.cancel(operator, created.id);
  assert.equal(requests.recent().length, 1);
  advance(60 * 60_000 + 1);
  assert.equal(requests.recent().length, 0);
  await requests.stop();
});

test('failed write keeps no request', async () => {
  const requests = service();
  await requests.start();
  link.open = false;
  await assert.rejects(requests.create(operator, 21, 'P_TXP', '20'), /closed/);
  assert.equal(requests.recent().length, 0);
  assert.equal(changes.length, 0);
  await requests.stop();
});

test('viewer cannot create requests', async () => {
  const requests = service();
  await requests.start();
  await assert.rejects(requests.create({ ...operator, role: 'viewer' }, 21, 'P_TXP', null), { code: 'AUTH_FORBIDDEN' });
  assert.deepEqual(link.lines, []);
  await requests.stop();
});

test('unreadable file starts empty', async () => {
  await writeFile(path.join(dataDir, 'requests.json'), '{"requests": [{"id": 1}]}');
  const requests = service();
  await requests.start();
  assert.deepEqual(requests.recent(), []);
  await requests.create(operator, 21, 'P_TXP', null);
  await requests.stop();
  const saved = JSON.parse(await readFile(path.join(dataDir, 'requests.json'), 'utf8')) as { requests: NodeRequest[] };
  assert.equal(saved.requests.length, 1, 'the next change replaces the invalid file');
});
