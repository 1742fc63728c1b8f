import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { builtInNodeTypes, findNodeTypeProblems, isBatteryLow, isSilent, NodeTypeCatalog, type UserNodeType } from '../../src/domain/index.js';
import type { Node } from '../../src/protocol/index.js';
import { decodeMoteinoLine, type MoteinoLine } from '../../src/radio/moteino/index.js';

function metricsOf(result: MoteinoLine): Record<string, unknown> {
  assert.equal(result.kind, 'packet', JSON.stringify(result));
  return result.kind === 'packet' ? Object.fromEntries(result.packet.metrics.map((metric) => [metric.name, metric.value])) : {};
}

function userType(overrides: Partial<UserNodeType>): UserNodeType {
  return { kind: 'generic', metrics: [], offlineAfterMinutes: 60, ...overrides };
}

test('built-in types cover every kind', () => {
  const kinds = new Set([...builtInNodeTypes.values()].map((type) => type.kind));
  for (const kind of ['motion', 'garage', 'weather', 'switch', 'water', 'doorbell', 'sonar', 'sprinkler', 'thermostat', 'generic']) {
    assert.ok(kinds.has(kind as never), kind);
  }
});

test('weather table keeps switch tokens raw', () => {
  const catalog = new NodeTypeCatalog({}, { '21': { type: 'WeatherMote' } });
  const metrics = metricsOf(decodeMoteinoLine('[21] F:6895 BTN1:1 MOTION SS:-79', (id, reported) => catalog.typeOf(id, reported).table));
  assert.equal(metrics.temperature, 68.95);
  assert.equal(metrics.button1, undefined, 'BTN1 is a switch token');
  assert.equal(metrics.btn1, 1);
  assert.equal(metrics.motion, undefined, 'MOTION is a motion token');
  assert.equal(metrics.rawMotion, 1);
});

test('sonar distance only for sonar types', () => {
  const catalog = new NodeTypeCatalog({}, { '25': { type: 'SonarMote' }, '21': { type: 'WeatherMote' } });
  const lookup = (id: number, reported: string | null) => catalog.typeOf(id, reported).table;
  assert.equal(metricsOf(decodeMoteinoLine('[25] 87.4cm BAT:4.10v SS:-68', lookup)).distance, 87.4);
  const weather = metricsOf(decodeMoteinoLine('[21] 87.4cm SS:-68', lookup));
  assert.equal(weather.distance, undefined);
  assert.equal(weather.readingCm, 87.4);
});

test('node type from its own TYPE token', () => {
  const catalog = new NodeTypeCatalog();
  assert.equal(catalog.typeOf(40, 'MotionMote').name, 'MotionMote');
  assert.equal(catalog.typeOf(40, 'NoSuchMote').name, 'generic');
  assert.equal(catalog.typeOf(40, null).name, 'generic');
  const metrics = metricsOf(decodeMoteinoLine('[40] START [TYPE:MotionMote] SS:-61', (id, reported) => catalog.typeOf(id, reported).table));
  assert.equal(metrics.nodeType, 'MotionMote');
  assert.equal(metrics.start, 1);
});

test('config type wins over TYPE token', () => {
  const catalog = new NodeTypeCatalog({}, { '40': { type: 'GarageMote' } });
  assert.equal(catalog.typeOf(40, 'MotionMote').name, 'GarageMote');
});

test('user type extends and scales', () => {
  const catalog = new NodeTypeCatalog(
    {
      WindMote: userType({
        kind: 'weather',
        extends: 'WeatherMote',
        metrics: [
          { token: 'WS', metric: 'windSpeed', unit: 'm/s', scale: 0.1, offset: 0, graphed: true },
          { token: 'WDIR', metric: 'windDirection', unit: null, scale: 1, offset: 0, graphed: false },
        ],
        offlineAfterMinutes: 15,
      }),
      GustMote: userType({ extends: 'WindMote', metrics: [{ token: 'G', metric: 'gust', unit: null, scale: 1, offset: 2, graphed: true }] }),
    },
    { '62': { type: 'GustMote', name: 'Roof' } },
  );
  const lookup = (id: number, reported: string | null) => catalog.typeOf(id, reported).table;
  const metrics = metricsOf(decodeMoteinoLine('[62] WS:45 WDIR:NNE G:3 F:71.5 BAT:3.90v X:28 SS:-88', lookup));
  assert.equal(metrics.windSpeed, 4.5);
  assert.equal(metrics.windDirection, 'NNE', 'non-numeric text is kept');
  assert.equal(metrics.gust, 5);
  assert.equal(metrics.temperature, 71.5, 'inherited from WeatherMote');
  assert.equal(metrics.battery, 3.9);
  assert.equal(catalog.get('WindMote')?.offlineAfterMinutes, 15);
  assert.equal(catalog.get('GustMote')?.battery?.lowBelow, 3.0, 'battery threshold inherited');
  assert.equal(catalog.configuredName(62), 'Roof');
});

test('unknown token stays raw on generic node', () => {
  const metrics = metricsOf(decodeMoteinoLine('[62] WS:4.5 WDIR:NNE BAT:3.90v X:28 SS:-88'));
  assert.equal(metrics.ws, 4.5);
  assert.equal(metrics.wdir, 'NNE');
  assert.equal(metrics.battery, 3.9);
  assert.equal(metrics.txLevel, 28);
});

test('problems name unknown types and cycles', () => {
  const problems = findNodeTypeProblems(
    {
      A: userType({ extends: 'B' }),
      B: userType({ extends: 'A' }),
      C: userType({ extends: 'Nope' }),
      WeatherMote: userType({ extends: 'WeatherMote' }),
    },
    { '14': { type: 'Missing' }, '15': { type: 'A' } },
  );
  const keys = problems.map((problem) => problem.path.join('.'));
  assert.deepEqual(keys.sort(), ['nodeTypes.A.extends', 'nodeTypes.B.extends', 'nodeTypes.C.extends', 'nodes.14.type']);
  const cycle = problems.find((problem) => problem.path.join('.') === 'nodeTypes.A.extends');
  assert.match(cycle?.message ?? '', /cycle \(A -> B -> A\)/);
  const missing = problems.find((problem) => problem.path[0] === 'nodes');
  assert.equal(missing?.value, 'Missing');
  assert.match(missing?.message ?? '', /define it under nodeTypes/);
  assert.throws(() => new NodeTypeCatalog({ A: userType({ extends: 'A2' }) }), /invalid node types/);
});

test('silence and battery by type', () => {
  const motion = builtInNodeTypes.get('MotionMote');
  const garage = builtInNodeTypes.get('GarageMote');
  assert.ok(motion !== undefined && garage !== undefined);
  const node: Node = {
    id: 11,
    lastSeen: '2026-03-01T08:00:00.000Z',
    rssi: -64,
    metrics: { battery: { value: 2.9, unit: 'V', time: '2026-03-01T08:00:00.000Z' } },
    packets: 1,
    firstSeen: null,
    name: null,
    kind: 'motion',
    type: 'MotionMote',
    gateway: 'radio',
    hidden: false,
    offline: false,
    batteryLow: false,
    pinned: [],
  };
  const limit = motion.offlineAfterMinutes * 60_000;
  assert.equal(isSilent(node, motion, new Date(Date.parse(node.lastSeen) + limit)), false);
  assert.equal(isSilent(node, motion, new Date(Date.parse(node.lastSeen) + limit + 1)), true);
  assert.equal(isBatteryLow(node, motion), true);
  assert.equal(isBatteryLow({ ...node, metrics: { battery: { value: 3.2, unit: 'V', time: node.lastSeen } } }, motion), false);
  assert.equal(isBatteryLow(node, garage), false, 'a mains-powered type has no threshold');
  assert.equal(isBatteryLow({ ...node, metrics: {} }, motion), false, 'no reading is not low');
});

test('typed decoding never throws', () => {
  const catalog = new NodeTypeCatalog({}, { '11': { type: 'MotionMote' }, '14': { type: 'GarageMote' }, '25': { type: 'SonarMote' } });
  const lookup = (id: number, reported: string | null) => catalog.typeOf(id, reported).table;
  const idText = fc.constantFrom('11', '14', '25', '40', '0', '1024', 'x');
  const token = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('MOTION', 'OPN', '87cm', 'BTN1:1', '[TYPE:SonarMote]', '[TYPE:', 'P_TXP:20:OK', 'F:1e5', 'SS:-64'));
  fc.assert(
    fc.property(idText, fc.array(token, { maxLength: 6 }), (id, tokens) => {
      const result = decodeMoteinoLine(`[${id}] ${tokens.join(' ')}`, lookup);
      assert.ok(['packet', 'malformed', 'gateway'].includes(result.kind));
    }),
    { numRuns: 3000 },
  );
});
