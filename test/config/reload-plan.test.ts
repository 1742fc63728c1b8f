import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Config, type ConfigReader, flattenConfig, parseConfig, planReload } from '../../src/config/index.js';

/** A validated config from a partial document, with every default filled in. */
function config(raw: object = {}): Config {
  return parseConfig(raw, 'test.yaml');
}

interface Case {
  name: string;
  reader: ConfigReader;
  before?: object;
  after: object;
  live: string[];
  restart: string[];
  otherProcess: string[];
}

const cases: Case[] = [
  { name: 'nothing changed', reader: 'hub', after: {}, live: [], restart: [], otherProcess: [] },
  { name: 'same value written out', reader: 'hub', after: { hub: { pingIntervalSeconds: 30 }, log: { level: 'info' } }, live: [], restart: [], otherProcess: [] },
  { name: 'hub log level', reader: 'hub', after: { log: { level: 'debug' } }, live: ['log.level'], restart: [], otherProcess: [] },
  { name: 'front log level', reader: 'front', after: { log: { level: 'warn' } }, live: ['log.level'], restart: [], otherProcess: [] },
  { name: 'hub ping interval', reader: 'hub', after: { hub: { pingIntervalSeconds: 10 } }, live: ['hub.pingIntervalSeconds'], restart: [], otherProcess: [] },
  { name: 'ping interval on front', reader: 'front', after: { hub: { pingIntervalSeconds: 10 } }, live: [], restart: [], otherProcess: ['hub.pingIntervalSeconds'] },
  { name: 'hub port on hub', reader: 'hub', after: { hub: { port: 9000 } }, live: [], restart: ['hub.port'], otherProcess: [] },
  { name: 'hub port on front', reader: 'front', after: { hub: { port: 9000 } }, live: [], restart: ['hub.port'], otherProcess: [] },
  { name: 'data dir on both', reader: 'front', after: { dataDir: '/srv/gatehouse' }, live: [], restart: ['dataDir'], otherProcess: [] },
  { name: 'radio keys on hub', reader: 'hub', after: { radio: { baudRate: 19200, port: '/dev/ttyUSB0' } }, live: [], restart: ['radio.baudRate', 'radio.port'], otherProcess: [] },
  { name: 'radio keys on front', reader: 'front', after: { radio: { gatewayId: 2 } }, live: [], restart: [], otherProcess: ['radio.gatewayId'] },
  { name: 'front session on hub', reader: 'hub', after: { front: { session: { idleMinutes: 5 } } }, live: [], restart: [], otherProcess: ['front.session.idleMinutes'] },
  { name: 'front session on front', reader: 'front', after: { front: { session: { idleMinutes: 5 } } }, live: [], restart: ['front.session.idleMinutes'], otherProcess: [] },
  { name: 'array changed', reader: 'front', after: { front: { trustedProxies: ['127.0.0.1'] } }, live: [], restart: ['front.trustedProxies'], otherProcess: [] },
  {
    name: 'array order matters',
    reader: 'front',
    before: { front: { publicOrigins: ['https://a.example', 'https://b.example'] } },
    after: { front: { publicOrigins: ['https://b.example', 'https://a.example'] } },
    live: [],
    restart: ['front.publicOrigins'],
    otherProcess: [],
  },
  { name: 'optional key added', reader: 'front', after: { front: { acmeWebroot: '/var/www/acme' } }, live: [], restart: ['front.acmeWebroot'], otherProcess: [] },
  { name: 'optional key removed', reader: 'front', before: { front: { certFile: 'c.pem', keyFile: 'k.pem' } }, after: {}, live: [], restart: ['front.certFile', 'front.keyFile'], otherProcess: [] },
  {
    name: 'live and restart mixed',
    reader: 'hub',
    after: { log: { level: 'error' }, hub: { port: 9001, pingIntervalSeconds: 60 }, front: { httpsPort: 8443 } },
    live: ['hub.pingIntervalSeconds', 'log.level'],
    restart: ['hub.port'],
    otherProcess: ['front.httpsPort'],
  },
];

for (const entry of cases) {
  test(`reload plan: ${entry.name}`, () => {
    const plan = planReload(config(entry.before), config(entry.after), entry.reader);
    assert.deepEqual(plan.live, entry.live, 'live keys');
    assert.deepEqual(plan.restart, entry.restart, 'restart keys');
    assert.deepEqual(plan.otherProcess, entry.otherProcess, 'keys of the other process');
  });
}

test('reload plan applies only live values', () => {
  const running = config({ hub: { port: 9000 } });
  const next = config({ log: { level: 'debug' }, hub: { port: 9100, pingIntervalSeconds: 12 } });
  const plan = planReload(running, next, 'hub');
  assert.equal(plan.running.log.level, 'debug');
  assert.equal(plan.running.hub.pingIntervalSeconds, 12);
  assert.equal(plan.running.hub.port, 9000, 'a restart key keeps its running value');
  assert.equal(running.log.level, 'info', 'the input config is not changed');
});

test('reload plan repeats pending restarts', () => {
  const first = planReload(config(), config({ radio: { baudRate: 57600 } }), 'hub');
  assert.deepEqual(first.restart, ['radio.baudRate']);
  const second = planReload(first.running, config({ radio: { baudRate: 57600 } }), 'hub');
  assert.deepEqual(second.restart, ['radio.baudRate'], 'still differs from the running config');
  const reverted = planReload(second.running, config(), 'hub');
  assert.deepEqual(reverted.restart, [], 'back to the running value');
});

test('reload plan ignores log level on front', () => {
  const plan = planReload(config(), config({ log: { level: 'debug' }, hub: { pingIntervalSeconds: 99 } }), 'front');
  assert.equal(plan.running.log.level, 'debug');
  assert.equal(plan.running.hub.pingIntervalSeconds, 30, 'the front does not take over a hub-only key');
});

test('flatten config names every leaf', () => {
  const flat = flattenConfig(config({ front: { trustedProxies: ['10.0.0.0/8'] } }));
  assert.equal(flat.get('front.hsts.enabled'), 'false');
  assert.equal(flat.get('front.trustedProxies'), '["10.0.0.0/8"]');
  assert.equal(flat.get('log.level'), '"info"');
  assert.equal(flat.has('front.certFile'), false, 'an absent optional key has no entry');
  assert.equal(flat.has('front'), false, 'sections are not leaves');
});
