import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freeNodeId, reactToMessage, versionProbeLine, type ControllerState } from '../../src/radio/mysensors/controller.js';
import { decodeMySensorsLine, type MySensorsMessage } from '../../src/radio/mysensors/index.js';
import { MySensorsSession, parseIdsFile } from '../../src/radio/mysensors-session.js';
import { createCapturingLogger, createTemporaryFolder, waitFor } from './helpers.js';

function parsed(line: string): MySensorsMessage {
  const decoded = decodeMySensorsLine(line);
  assert.equal(decoded.kind, 'message', line);
  if (decoded.kind !== 'message') {
    throw new Error('unreachable');
  }
  return decoded.message;
}

const empty: ControllerState = { usedIds: new Set(), lastValues: new Map() };
const epochSeconds = 1_764_892_800;

void describe('mysensors controller', () => {
  void test('id request gets lowest free id', () => {
    const action = reactToMessage(parsed('255;255;3;0;3;'), { usedIds: new Set([1, 2, 4]), lastValues: new Map() }, epochSeconds);
    assert.deepEqual(action.lines, ['255;255;3;0;4;3']);
    assert.equal(action.useId, 3);
  });

  void test('id request with ids exhausted', () => {
    const all = new Set(Array.from({ length: 254 }, (_, index) => index + 1));
    const action = reactToMessage(parsed('255;255;3;0;3;'), { usedIds: all, lastValues: new Map() }, epochSeconds);
    assert.deepEqual(action.lines, []);
    assert.equal(action.idsExhausted, true);
    assert.equal(freeNodeId(all), null);
  });

  void test('time request answered', () => {
    const action = reactToMessage(parsed('7;255;3;0;1;'), empty, epochSeconds + 0.7);
    assert.deepEqual(action.lines, [`7;255;3;0;1;${epochSeconds}`]);
  });

  void test('config request answered metric', () => {
    const action = reactToMessage(parsed('7;255;3;0;6;0'), empty, epochSeconds);
    assert.deepEqual(action.lines, ['7;255;3;0;6;M']);
  });

  void test('req answered with last value', () => {
    const first = reactToMessage(parsed('7;3;1;1;2;1'), empty, epochSeconds);
    assert.deepEqual(first.remember, { key: '7;3;2', payload: '1' });
    const state: ControllerState = { usedIds: new Set([7]), lastValues: new Map([[first.remember?.key ?? '', first.remember?.payload ?? '']]) };
    const answer = reactToMessage(parsed('7;3;2;0;2;'), state, epochSeconds);
    assert.deepEqual(answer.lines, ['7;3;1;0;2;1']);
  });

  void test('req without value unanswered', () => {
    const answer = reactToMessage(parsed('7;3;2;0;2;'), empty, epochSeconds);
    assert.deepEqual(answer.lines, []);
  });

  void test('node id heard is recorded', () => {
    assert.equal(reactToMessage(parsed('12;0;1;0;16;1'), empty, epochSeconds).useId, 12);
    assert.equal(reactToMessage(parsed('12;0;1;0;16;1'), { usedIds: new Set([12]), lastValues: new Map() }, epochSeconds).useId, null);
    assert.equal(reactToMessage(parsed('0;255;3;0;14;Gateway startup complete.'), empty, epochSeconds).useId, null);
  });

  void test('gateway messages marked', () => {
    assert.equal(reactToMessage(parsed('0;255;3;0;2;2.3.2'), empty, epochSeconds).fromGateway, true);
    assert.equal(reactToMessage(parsed('7;255;3;0;0;87'), empty, epochSeconds).fromGateway, false);
  });

  void test('version probe line', () => {
    assert.equal(versionProbeLine, '0;255;3;0;2;');
  });

  void test('ids file parsing', () => {
    assert.deepEqual(parseIdsFile('{"version":1,"ids":[1,7,254]}'), [1, 7, 254]);
    for (const text of ['', 'null', '[]', '{"version":2,"ids":[]}', '{"version":1,"ids":[0]}', '{"version":1,"ids":[255]}', '{"version":1,"ids":["7"]}', '{"version":1}']) {
      assert.equal(parseIdsFile(text), null, text);
    }
  });
});

void describe('mysensors session', () => {
  let folder = '';
  let remove: () => Promise<void> = () => Promise.resolve();
  before(async () => {
    ({ folder, remove } = await createTemporaryFolder());
  });
  after(() => remove());

  function startSession(idsFile: string, probeIntervalMs = 60_000) {
    const written: string[] = [];
    let statusChanges = 0;
    const capture = createCapturingLogger();
    const session = new MySensorsSession({ gateway: 'garden', idsFile, probeIntervalMs, logger: capture.logger });
    const started = session.start({
      write: (line) => {
        written.push(line);
        return Promise.resolve();
      },
      linkOpen: () => true,
      statusChanged: () => {
        statusChanges += 1;
      },
    });
    return { session, written, started, capture, statusChanges: () => statusChanges };
  }

  void test('assigned ids survive a restart', async () => {
    const idsFile = path.join(folder, 'ids', 'garden-node-ids.json');
    const first = startSession(idsFile);
    await first.started;
    first.session.onLine('7;1;1;0;0;21.4');
    first.session.onLine('255;255;3;0;3;');
    await first.session.stop();
    assert.deepEqual(first.written, ['255;255;3;0;4;1']);
    assert.deepEqual(JSON.parse(await readFile(idsFile, 'utf8')), { version: 1, ids: [1, 7] });

    const second = startSession(idsFile);
    await second.started;
    second.session.onLine('255;255;3;0;3;');
    await second.session.stop();
    assert.deepEqual(second.written, ['255;255;3;0;4;2']);
    assert.deepEqual(JSON.parse(await readFile(idsFile, 'utf8')), { version: 1, ids: [1, 2, 7] });
  });

  void test('invalid ids file logged', async () => {
    const idsFile = path.join(folder, 'bad', 'garden-node-ids.json');
    await mkdir(path.dirname(idsFile), { recursive: true });
    await writeFile(idsFile, '{"version":1,"ids":[999]}');
    const session = startSession(idsFile);
    await session.started;
    session.session.onLine('255;255;3;0;3;');
    await session.session.stop();
    assert.deepEqual(session.written, ['255;255;3;0;4;1']);
    assert.equal(session.capture.records().filter((record) => String(record.msg).startsWith('invalid mysensors ids file')).length, 1);
  });

  void test('link open sends a probe', async () => {
    const session = startSession(path.join(folder, 'probe-open.json'));
    await session.started;
    session.session.onLinkState(true);
    await session.session.stop();
    assert.deepEqual(session.written, ['0;255;3;0;2;']);
  });

  void test('silent gateway not responding', async () => {
    const session = startSession(path.join(folder, 'probe-silent.json'), 50);
    await session.started;
    session.session.onLinkState(true);
    await waitFor('not responding', () => session.session.status().responding === false, 2000);
    assert.match(session.session.status().warning ?? '', /looks disconnected/);
    assert.ok(session.written.filter((line) => line === '0;255;3;0;2;').length >= 2);

    session.session.onLine('0;255;3;0;2;2.3.2');
    assert.equal(session.session.status().responding, true);
    assert.equal(session.session.status().warning, null);
    assert.ok(session.statusChanges() >= 2);
    await session.session.stop();
  });
});
