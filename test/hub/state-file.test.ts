import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { StateFile } from '../../src/hub/state-file.js';
import { captureLogs } from '../auth/helpers.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-state-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('changes within delay share a write', async () => {
  let renders = 0;
  let counter = 0;
  const file = path.join(dir, 'shared.json');
  const state = new StateFile({
    file,
    delayMs: 100,
    logger: captureLogs().logger,
    render: () => {
      renders += 1;
      return { counter };
    },
  });
  for (let packet = 0; packet < 500; packet += 1) {
    counter += 1;
    state.schedule();
  }
  await delay(300);
  assert.equal(renders, 1, 'one write for 500 changes');
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { counter: 500 });
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  counter += 1;
  state.schedule();
  await state.flush();
  assert.equal(renders, 2, 'flush writes a pending change at once');
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { counter: 501 });
  await state.flush();
  assert.equal(renders, 2, 'flush without a change writes nothing');
});

test('invalid file loads as null', async () => {
  const { logger, records } = captureLogs();
  const schema = z.object({ counter: z.number() });
  const file = path.join(dir, 'broken.json');
  const state = new StateFile({ file, delayMs: 0, logger, render: () => ({ counter: 1 }) });
  assert.equal(await state.load(schema), null, 'a missing file');
  await writeFile(file, '{"counter": ');
  assert.equal(await state.load(schema), null, 'not JSON');
  await writeFile(file, '{"counter": "one"}');
  assert.equal(await state.load(schema), null, 'wrong shape');
  assert.equal(records.filter((record) => record.level >= 50).length, 2, 'both logged as errors');
  await writeFile(file, '{"counter": 3}');
  assert.deepEqual(await state.load(schema), { counter: 3 });
});
