import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { DecodedMetric } from '../../src/domain/packet.js';
import { LineFramer } from '../../src/radio/framer.js';
import { decodeMoteinoLine, type MoteinoLine } from '../../src/radio/moteino/index.js';

/** Reads the sample file: comments and blank lines skipped, escapes (`\xNN`, `\r`, `\t`) kept as written. */
function readSamples(): string[] {
  const text = readFileSync(new URL('../fixtures/serial/moteino-samples.txt', import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
}

function unescapeSample(sample: string): Buffer {
  const text = sample.replace(/\\x([0-9a-fA-F]{2})|\\r|\\t/g, (escape, hex: string | undefined) => {
    if (hex !== undefined) {
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    return escape === '\\r' ? '\r' : '\t';
  });
  return Buffer.from(text, 'latin1');
}

function metric(name: string, value: number | string, unit: string | null = null): DecodedMetric {
  return { name, value, unit };
}

function packet(nodeId: number, rssi: number | null, metrics: DecodedMetric[], ackSent = false): MoteinoLine {
  return { kind: 'packet', packet: { nodeId, rssi, metrics }, ackSent, confirmations: [] };
}

/** What the framer does with a sample, or what the codec makes of the framed line. */
type Expected = MoteinoLine | { framer: 'skipped' | 'nonPrintable' };

const expectations: Record<string, Expected> = {
  'GATEWAYSTART SYSFREQ:915000000': { kind: 'gateway', message: { type: 'start', frequencyHz: 915000000, detail: 'SYSFREQ:915000000' } },
  'UPTIME:86400123': { kind: 'gateway', message: { type: 'uptime', uptimeMs: 86400123 } },
  'FREERAM:1187:2048': { kind: 'gateway', message: { type: 'freeRam', freeBytes: 1187, totalBytes: 2048 } },
  'SYSFREQ:868000000': { kind: 'gateway', message: { type: 'frequency', frequencyHz: 868000000 } },
  'DEBUG:Listening @ 915000000Hz...': { kind: 'gateway', message: { type: 'debug', text: 'Listening @ 915000000Hz...' } },
  'ACK:OK': { kind: 'gateway', message: { type: 'ack', ok: true } },
  'ACK:NOK': { kind: 'gateway', message: { type: 'ack', ok: false } },
  'RQ:21:P_TXP:20': { kind: 'gateway', message: { type: 'queuedRequest', nodeId: 21, name: 'P_TXP', value: '20' } },
  'REQUESTQUEUE:VOID': { kind: 'gateway', message: { type: 'other', name: 'REQUESTQUEUE', value: 'VOID' } },
  'ENCRYPTKEY:XXXXXXXXXXXXXXXX': { kind: 'gateway', message: { type: 'encryptKey' } },
  '[11] MOTION BAT:3.27v SS:-64': packet(11, -64, [metric('motion', 1), metric('battery', 3.27, 'V')]),
  '[11] LO:3h12m BAT:3.25v SS:-66': packet(11, -66, [metric('timeSinceMotion', '3h12m'), metric('battery', 3.25, 'V')]),
  '[12] MOTION LO:0s BAT:4.02v   [RSSI:-71][ACK-sent]': packet(
    12,
    -71,
    [metric('motion', 1), metric('timeSinceMotion', '0s'), metric('battery', 4.02, 'V')],
    true,
  ),
  '[14] STS:OPN SS:-58': packet(14, -58, [metric('state', 'OPEN')]),
  '[14] OPENING SS:-58': packet(14, -58, [metric('state', 'OPENING')]),
  '[14] STS:CLSING SS:-59': packet(14, -59, [metric('state', 'CLOSING')]),
  '[14] STS:CLS BAT:5.01v SS:-57': packet(14, -57, [metric('state', 'CLOSED'), metric('battery', 5.01, 'V')]),
  '[14] UNKNOWN SS:-60': packet(14, -60, [metric('state', 'UNKNOWN')]),
  '[21] BAT:3.31v F:71.36 H:44.20 P:29.87 X:12 SS:-77': packet(21, -77, [
    metric('battery', 3.31, 'V'),
    metric('temperature', 71.36, '°F'),
    metric('humidity', 44.2, '%'),
    metric('pressure', 29.87, 'inHg'),
    metric('txLevel', 12),
  ]),
  '[21] F:6895 H:51 P:30.02 SS:-79': packet(21, -79, [
    metric('temperature', 68.95, '°F'),
    metric('humidity', 51, '%'),
    metric('pressure', 30.02, 'inHg'),
  ]),
  '[22] C:-4.25 H:88.1 V:3.61 X:31 SS:-91': packet(22, -91, [
    metric('temperature', -4.25, '°C'),
    metric('humidity', 88.1, '%'),
    metric('battery', 3.61, 'V'),
    metric('txLevel', 31),
  ]),
  '[21] P_TXP:20:OK SS:-75': {
    kind: 'packet',
    packet: { nodeId: 21, rssi: -75, metrics: [] },
    ackSent: false,
    confirmations: [{ name: 'P_TXP', value: '20', status: 'ok', word: 'OK' }],
  },
  '[18] OPN BAT:3.90v SS:-69': packet(18, -69, [metric('state', 'OPEN'), metric('battery', 3.9, 'V')]),
  '[18] CLS SS:-70': packet(18, -70, [metric('state', 'CLOSED')]),
  '[25] 87.4cm BAT:4.10v SS:-68': packet(25, -68, [metric('distance', 87.4, 'cm'), metric('battery', 4.1, 'V')]),
  '[25] 18cm SS:-70': packet(25, -70, [metric('distance', 18, 'cm')]),
  '[30] GAL:48213.7 GPM:2.35 GLM:5.10 SS:-73': packet(30, -73, [
    metric('waterTotal', 48213.7, 'gal'),
    metric('waterFlow', 2.35, 'gal/min'),
    metric('waterLastMinute', 5.1, 'gal'),
  ]),
  '[30] GAL:48213.7 GPM:0.00 GLM:0.00 SS:-72': packet(30, -72, [
    metric('waterTotal', 48213.7, 'gal'),
    metric('waterFlow', 0, 'gal/min'),
    metric('waterLastMinute', 0, 'gal'),
  ]),
  '[33] BTN1:1 SS:-55': packet(33, -55, [metric('button1', 1)]),
  '[33] BTN0:0 BTN1:0 BTN2:1 SS:-54': packet(33, -54, [metric('button0', 0), metric('button1', 0), metric('button2', 1)]),
  '[34] RLY:1 SS:-56': packet(34, -56, [metric('relay', 1)]),
  '[41] RING SS:-62': packet(41, -62, [metric('ring', 1)]),
  '[41] BELL:0 SS:-63': packet(41, -63, [metric('bell', 0)]),
  '[45] ZONE:3 SS:-66': packet(45, -66, [metric('zone', 3)]),
  '[45] ZONES:OFF SS:-67': packet(45, -67, [metric('zone', 'OFF')]),
  '[40] START [TYPE:MotionMote] SS:-61': packet(40, -61, [metric('start', 1), metric('nodeType', 'MotionMote')]),
  '[60] [DEBUG:bme280-init-ok] SS:-80': packet(60, -80, [metric('debug', 'bme280-init-ok')]),
  '[50] F:7100 TARGET:70 HOLD:OFF TSTATE:HEATING FSTATE:AUTO MODE:HEAT': packet(50, null, [
    metric('temperature', 71, '°F'),
    metric('targetTemperature', 70),
    metric('hold', 'OFF'),
    metric('thermostatState', 'HEATING'),
    metric('fanState', 'AUTO'),
    metric('mode', 'HEAT'),
  ]),
  '[62] WS:4.5 WDIR:NNE BAT:3.90v X:28 SS:-88': packet(62, -88, [
    metric('ws', 4.5),
    metric('wdir', 'NNE'),
    metric('battery', 3.9, 'V'),
    metric('txLevel', 28),
  ]),
  '\\r': { framer: 'skipped' },
  '\\x00\\x00[11] MOTION BAT:3.27v SS:-64\\r': packet(11, -64, [metric('motion', 1), metric('battery', 3.27, 'V')]),
  // A truncated payload cannot be distinguished from an unknown flag word, so it is kept as a raw flag.
  '[11] MOT': packet(11, null, [metric('mot', 1)]),
  '[11]': { kind: 'malformed', reason: 'emptyPayload' },
  '[] MOTION SS:-60': { kind: 'malformed', reason: 'missingId' },
  '[abc] MOTION SS:-60': { kind: 'malformed', reason: 'badId' },
  '[-5] MOTION SS:-60': { kind: 'malformed', reason: 'badId' },
  '[99999999999999999999] MOTION SS:-60': { kind: 'malformed', reason: 'idOutOfRange' },
  '[0] RING SS:-60': { kind: 'malformed', reason: 'idOutOfRange' },
  '[7] \\xff\\x8f#r\\x02K\\x80\\x80 SS:-97': { framer: 'nonPrintable' },
};

void describe('moteino samples', () => {
  const samples = readSamples();

  void test('every sample has an expectation', () => {
    const missing = samples.filter((sample) => !(sample in expectations));
    assert.deepEqual(missing, []);
  });

  for (const sample of samples) {
    void test(`sample ${sample}`, () => {
      const lines: string[] = [];
      const framer = new LineFramer((line) => lines.push(line));
      framer.push(Buffer.concat([unescapeSample(sample), Buffer.from('\n')]));
      const expected = expectations[sample];
      assert.ok(expected !== undefined);

      if ('framer' in expected) {
        assert.deepEqual(lines, []);
        const dropped = framer.counts().dropped.nonPrintable;
        assert.equal(dropped, expected.framer === 'nonPrintable' ? 1 : 0);
        return;
      }
      assert.equal(lines.length, 1);
      assert.deepEqual(decodeMoteinoLine(lines[0] ?? ''), expected);
    });
  }

  void test('unframed samples never throw', () => {
    for (const sample of samples) {
      const result = decodeMoteinoLine(unescapeSample(sample).toString('latin1'));
      assert.ok(['packet', 'gateway', 'malformed'].includes(result.kind));
    }
  });

  void test('binary sample is nonPrintable', () => {
    const result = decodeMoteinoLine(unescapeSample('[7] \\xff\\x8f#r\\x02K\\x80\\x80 SS:-97').toString('latin1'));
    assert.deepEqual(result, { kind: 'malformed', reason: 'nonPrintable' });
  });
});

void describe('decodeMoteinoLine', () => {
  const cases: [string, Expected][] = [
    ['[5] GLASS:1 SS:-60', packet(5, -60, [metric('glass', 1)])],
    ['[5] PRESS:1013', packet(5, null, [metric('press', 1013)])],
    ['[5] MOTION GLASS:1', packet(5, null, [metric('motion', 1), metric('glass', 1)])],
    ['[5] F:1e5 SS:-60', packet(5, -60, [metric('f', '1e5')])],
    ['[5] H:0x10', packet(5, null, [metric('h', '0x10')])],
    ['[5] BAT:3.2.1v', packet(5, null, [metric('bat', '3.2.1v')])],
    ['[5] TEMPERATURE:20', packet(5, null, [metric('rawTemperature', 20)])],
    ['[5] F:71', packet(5, null, [metric('temperature', 0.71, '°F')])],
    ['[5] VBAT:3.3', packet(5, null, [metric('battery', 3.3, 'V')])],
    ['[5] SSR:1', packet(5, null, [metric('ssr', 1)])],
    ['[5] OPNING CLSING UNK', packet(5, null, [metric('state', 'OPENING'), metric('state', 'CLOSING'), metric('state', 'UNKNOWN')])],
    ['[5] [DEBUG:free text here] SS:-70', packet(5, -70, [metric('debug', 'free text here')])],
    ['[5] [DEBUG:ends SS:-5]', packet(5, null, [metric('debug', 'ends SS:-5')])],
    ['[5] MODE:HEAT:INV', { kind: 'packet', packet: { nodeId: 5, rssi: null, metrics: [] }, ackSent: false, confirmations: [{ name: 'MODE', value: 'HEAT', status: 'invalid', word: 'INV' }] }],
    ['[5] T:12:30', packet(5, null, [metric('t', '12:30')])],
    ['[1023] RING', packet(1023, null, [metric('ring', 1)])],
    ['[1024] RING', { kind: 'malformed', reason: 'idOutOfRange' }],
    ['[5] SS:-60', { kind: 'malformed', reason: 'emptyPayload' }],
    ['[5] RING SS:abc', { kind: 'malformed', reason: 'badRssi' }],
    ['[5] RING [RSSI:x]', { kind: 'malformed', reason: 'badRssi' }],
    ['[5] #r SS:-60', { kind: 'malformed', reason: 'badToken' }],
    ['[5] BAT: SS:-60', { kind: 'malformed', reason: 'badToken' }],
    ['[5 RING', { kind: 'malformed', reason: 'garbage' }],
    ['hello world', { kind: 'malformed', reason: 'garbage' }],
    ['', { kind: 'malformed', reason: 'empty' }],
    ['UPTIME:abc', { kind: 'malformed', reason: 'badGatewayValue' }],
    ['ACK:MAYBE', { kind: 'malformed', reason: 'badGatewayValue' }],
    ['FREERAM:12:x', { kind: 'malformed', reason: 'badGatewayValue' }],
    ['RQ:0:P_TXP', { kind: 'malformed', reason: 'idOutOfRange' }],
    ['RQ:21:P_TXP', { kind: 'gateway', message: { type: 'queuedRequest', nodeId: 21, name: 'P_TXP', value: null } }],
    ['NETWORKID:100', { kind: 'gateway', message: { type: 'networkId', networkId: 100 } }],
    ['GATEWAYSTART', { kind: 'gateway', message: { type: 'start', frequencyHz: null, detail: '' } }],
  ];
  for (const [line, expected] of cases) {
    void test(`line ${JSON.stringify(line)}`, () => {
      assert.deepEqual(decodeMoteinoLine(line), expected);
    });
  }

  void test('encryption key never in result', () => {
    const key = 'sampleKey1234567';
    for (const line of [`ENCRYPTKEY:${key}`, `GATEWAYSTART ENCRYPTKEY:${key} SYSFREQ:915000000`]) {
      const text = JSON.stringify(decodeMoteinoLine(line));
      assert.ok(!text.includes(key), text);
    }
  });
});

void describe('decodeMoteinoLine properties', () => {
  void test('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        const result = decodeMoteinoLine(line);
        assert.ok(['packet', 'gateway', 'malformed'].includes(result.kind));
      }),
    );
  });

  const tokenLike = fc.stringMatching(/^(\[?[-A-Z0-9_:.[\]]{0,12}\]?|SS:-?\d{0,3})$/);
  void test('token soup never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 2000 }), fc.array(tokenLike, { maxLength: 8 }), (id, tokens) => {
        const result = decodeMoteinoLine(`[${id}] ${tokens.join(' ')}`);
        assert.ok(['packet', 'malformed'].includes(result.kind));
      }),
    );
  });

  void test('packet metric names are camel case', () => {
    fc.assert(
      fc.property(fc.array(tokenLike, { minLength: 1, maxLength: 8 }), (tokens) => {
        const result = decodeMoteinoLine(`[7] ${tokens.join(' ')}`);
        if (result.kind !== 'packet') {
          return;
        }
        for (const decoded of result.packet.metrics) {
          assert.match(decoded.name, /^[a-z][A-Za-z0-9]*$/);
        }
      }),
    );
  });
});
