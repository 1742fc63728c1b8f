import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { createConfigReloader } from '../../src/cli/config-reload.js';
import { type LiveKey, loadConfig } from '../../src/config/index.js';
import { captureLogs, type LogRecord } from '../auth/helpers.js';

const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-reload-'));
after(() => rm(folder, { recursive: true, force: true }));
const file = path.join(folder, 'gatehouse.yaml');

const startYaml = 'hub:\n  port: 9000\n  pingIntervalSeconds: 30\nradio:\n  port: /dev/ttyUSB0\nlog:\n  level: debug\n';

beforeEach(() => writeFile(file, startYaml));

/** Create a hub-side reloader over `file` with captured logs and a record of each apply call. */
function hubReloader(overridden: string[] = []): { reload: () => void; records: LogRecord[]; applied: LiveKey[][]; level: () => string } {
  const { logger, records } = captureLogs();
  const applied: LiveKey[][] = [];
  const reload = createConfigReloader({
    file,
    reader: 'hub',
    initial: loadConfig(file).config,
    logger,
    overridden,
    apply: (_config, keys) => applied.push([...keys]),
  });
  return { reload, records, applied, level: () => logger.level };
}

function lastWithMessage(records: LogRecord[], pattern: RegExp): LogRecord | undefined {
  return records.filter((record) => pattern.test(record.msg)).at(-1);
}

test('reload applies live keys', async () => {
  const hub = hubReloader();
  await writeFile(file, startYaml.replace('level: debug', 'level: info').replace('pingIntervalSeconds: 30', 'pingIntervalSeconds: 7'));
  hub.reload();
  assert.equal(hub.level(), 'info');
  assert.deepEqual(hub.applied, [['hub.pingIntervalSeconds', 'log.level']]);
  const reloaded = lastWithMessage(hub.records, /^config reloaded$/);
  assert.deepEqual(reloaded?.applied, ['hub.pingIntervalSeconds', 'log.level']);
  assert.equal(lastWithMessage(hub.records, /restart to apply/), undefined);
});

test('reload names restart keys', async () => {
  const hub = hubReloader();
  await writeFile(file, startYaml.replace('port: 9000', 'port: 9001') + 'front:\n  httpsPort: 8443\n');
  hub.reload();
  const warning = lastWithMessage(hub.records, /restart to apply/);
  assert.equal(warning?.level, 40);
  assert.deepEqual(warning?.keys, ['hub.port']);
  assert.equal(warning?.msg, 'config keys changed, restart to apply: hub.port');
  assert.deepEqual(lastWithMessage(hub.records, /only the front reads/)?.keys, ['front.httpsPort']);
  assert.deepEqual(hub.applied, [], 'apply runs only for live keys');
  assert.equal(hub.level(), 'debug');
});

test('reload skips overridden keys', async () => {
  const hub = hubReloader(['radio.port']);
  await writeFile(file, startYaml.replace('/dev/ttyUSB0', '/dev/ttyUSB1'));
  hub.reload();
  assert.equal(lastWithMessage(hub.records, /restart to apply/), undefined);
  assert.ok(lastWithMessage(hub.records, /^config reloaded$/) !== undefined);
});

test('reload keeps config on invalid file', async () => {
  const hub = hubReloader();
  await writeFile(file, startYaml.replace('level: debug', 'level: loud').replace('port: 9000', 'port: https'));
  hub.reload();
  const failure = lastWithMessage(hub.records, /config reload failed/);
  assert.equal(failure?.level, 50);
  const message = (failure?.err as { message?: string } | undefined)?.message ?? '';
  assert.match(message, /log\.level: got "loud"/);
  assert.match(message, /hub\.port: got "https"/);
  assert.equal(hub.level(), 'debug', 'the running level stays');
  assert.equal(lastWithMessage(hub.records, /^config reloaded$/), undefined);

  // The next valid file is compared with the config still running, not with the rejected one.
  await writeFile(file, startYaml.replace('level: debug', 'level: warn'));
  hub.reload();
  assert.equal(hub.level(), 'warn');
  assert.deepEqual(hub.applied, [['log.level']]);
});

test('reload keeps config on missing file', async () => {
  const hub = hubReloader();
  await rm(file);
  hub.reload();
  const failure = lastWithMessage(hub.records, /config reload failed/);
  assert.equal(failure?.level, 50);
  assert.match((failure?.err as { message?: string } | undefined)?.message ?? '', /cannot read config file/);
  assert.equal(hub.level(), 'debug');
});

test('reload on front ignores ping', async () => {
  const { logger, records } = captureLogs();
  const reload = createConfigReloader({ file, reader: 'front', initial: loadConfig(file).config, logger });
  await writeFile(file, startYaml.replace('pingIntervalSeconds: 30', 'pingIntervalSeconds: 60').replace('level: debug', 'level: error'));
  reload();
  assert.equal(logger.level, 'error');
  assert.equal(records.some((record) => /restart to apply/.test(record.msg)), false, 'a hub-only key needs no front restart');
  const reloaded = records.find((record) => /^config reloaded$/.test(record.msg));
  assert.deepEqual(reloaded?.applied, ['log.level'], 'logged before the quieter level applies');
  assert.deepEqual(records.find((record) => /only the hub reads/.test(record.msg))?.keys, ['hub.pingIntervalSeconds']);

  const countBefore = records.length;
  logger.warn('a warning below the new level');
  assert.equal(records.length, countBefore, 'the new level applies after the reload lines');
});

test('reload to silent logs first', async () => {
  const { logger, records } = captureLogs();
  const reload = createConfigReloader({ file, reader: 'front', initial: loadConfig(file).config, logger });
  await writeFile(file, startYaml.replace('level: debug', 'level: silent'));
  reload();
  assert.equal(logger.level, 'silent');
  assert.equal(records.filter((record) => record.msg === 'config reloaded').length, 1);
  logger.fatal('not written');
  assert.equal(records.some((record) => record.msg === 'not written'), false);
});
