import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GatehouseError } from '../../src/errors/index.js';
import { LineFramer } from '../../src/radio/framer.js';
import {
  decodeMySensorsLine,
  decodeMySensorsPacket,
  encodeMySensorsCommand,
  encodeMySensorsMessage,
  type MySensorsDecoded,
  type MySensorsLine,
  type MySensorsMessage,
} from '../../src/radio/mysensors/index.js';
import { decodeMoteinoLine } from '../../src/radio/moteino/index.js';

/** Sample lines the gateway sends: comments (including the `# <` lines the controller writes) skipped. */
function readSamples(): string[] {
  const text = readFileSync(new URL('../fixtures/serial/mysensors-samples.txt', import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
}

function message(nodeId: number, childId: number, command: MySensorsMessage['command'], ack: boolean, type: number, typeName: string | null, payload: string): MySensorsLine {
  return { kind: 'message', message: { nodeId, childId, command, ack, type, typeName, payload } };
}

const expectations: Record<string, MySensorsLine> = {
  '0;255;3;0;14;Gateway startup complete.': message(0, 255, 'internal', false, 14, 'I_GATEWAY_READY', 'Gateway startup complete.'),
  '0;255;3;0;2;2.3.2': message(0, 255, 'internal', false, 2, 'I_VERSION', '2.3.2'),
  '255;255;3;0;3;': message(255, 255, 'internal', false, 3, 'I_ID_REQUEST', ''),
  '7;255;0;0;17;2.3.2': message(7, 255, 'presentation', false, 17, 'S_ARDUINO_NODE', '2.3.2'),
  '7;255;3;0;11;Greenhouse': message(7, 255, 'internal', false, 11, 'I_SKETCH_NAME', 'Greenhouse'),
  '7;255;3;0;12;1.4': message(7, 255, 'internal', false, 12, 'I_SKETCH_VERSION', '1.4'),
  '7;1;0;0;6;Air temperature': message(7, 1, 'presentation', false, 6, 'S_TEMP', 'Air temperature'),
  '7;2;0;0;7;': message(7, 2, 'presentation', false, 7, 'S_HUM', ''),
  '7;3;0;0;3;Pump relay': message(7, 3, 'presentation', false, 3, 'S_BINARY', 'Pump relay'),
  '7;1;1;0;0;21.4': message(7, 1, 'set', false, 0, 'V_TEMP', '21.4'),
  '7;2;1;0;1;63': message(7, 2, 'set', false, 1, 'V_HUM', '63'),
  '7;3;2;0;2;': message(7, 3, 'req', false, 2, 'V_STATUS', ''),
  '7;3;1;1;2;1': message(7, 3, 'set', true, 2, 'V_STATUS', '1'),
  '7;255;3;0;0;87': message(7, 255, 'internal', false, 0, 'I_BATTERY_LEVEL', '87'),
  '7;255;3;0;1;': message(7, 255, 'internal', false, 1, 'I_TIME', ''),
  '7;255;3;0;6;0': message(7, 255, 'internal', false, 6, 'I_CONFIG', '0'),
  '7;255;3;0;21;0': message(7, 255, 'internal', false, 21, 'I_DISCOVER_RESPONSE', '0'),
  '0;255;3;0;9;TSF:MSG:READ,7-7-0,s=1,c=1,t=0,pt=7,l=4,sg=0:21.4': message(0, 255, 'internal', false, 9, 'I_LOG_MESSAGE', 'TSF:MSG:READ,7-7-0,s=1,c=1,t=0,pt=7,l=4,sg=0:21.4'),
  '12;0;0;0;1;Hall motion': message(12, 0, 'presentation', false, 1, 'S_MOTION', 'Hall motion'),
  '12;0;1;0;16;1': message(12, 0, 'set', false, 16, 'V_TRIPPED', '1'),
  '12;0;1;0;16;0': message(12, 0, 'set', false, 16, 'V_TRIPPED', '0'),
  '12;255;3;0;0;64': message(12, 255, 'internal', false, 0, 'I_BATTERY_LEVEL', '64'),
};

/** The node state the hub gets from the sample lines that carry some. */
const packets: Record<string, { nodeId: number; name: string; value: number | string; unit: string | null }> = {
  '7;1;1;0;0;21.4': { nodeId: 7, name: 'temperature1', value: 21.4, unit: '°C' },
  '7;2;1;0;1;63': { nodeId: 7, name: 'humidity2', value: 63, unit: '%' },
  '7;3;1;1;2;1': { nodeId: 7, name: 'status3', value: 1, unit: null },
  '7;255;3;0;0;87': { nodeId: 7, name: 'battery', value: 87, unit: '%' },
  '12;0;1;0;16;1': { nodeId: 12, name: 'tripped0', value: 1, unit: null },
  '12;0;1;0;16;0': { nodeId: 12, name: 'tripped0', value: 0, unit: null },
  '12;255;3;0;0;64': { nodeId: 12, name: 'battery', value: 64, unit: '%' },
};

void describe('mysensors sample lines', () => {
  const samples = readSamples();

  void test('every sample has an expectation', () => {
    assert.deepEqual(samples.filter((sample) => !(sample in expectations)), []);
    assert.equal(samples.length, Object.keys(expectations).length);
  });

  for (const sample of samples) {
    void test(`sample ${sample}`, () => {
      assert.deepEqual(decodeMySensorsLine(sample), expectations[sample]);
    });

    void test(`sample encodes back ${sample}`, () => {
      const decoded = decodeMySensorsLine(sample);
      assert.equal(decoded.kind, 'message');
      if (decoded.kind === 'message') {
        assert.equal(encodeMySensorsMessage(decoded.message), sample);
      }
    });

    void test(`sample state ${sample}`, () => {
      const decoded = decodeMySensorsPacket(sample);
      const expected = packets[sample];
      if (expected === undefined) {
        assert.equal(decoded.kind, 'gateway');
        return;
      }
      assert.equal(decoded.kind, 'packet');
      if (decoded.kind === 'packet') {
        assert.deepEqual(decoded.packet, { nodeId: expected.nodeId, rssi: null, metrics: [{ name: expected.name, value: expected.value, unit: expected.unit }] });
      }
    });
  }
});

void describe('mysensors malformed lines', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['7;1;1;0;0', 'fieldCount'],
    ['Gateway startup', 'fieldCount'],
    ['7;1;1;0;0\t;21', 'nonPrintable'],
    ['7;1;1;0;0;21\u00b0', 'nonPrintable'],
    ['256;1;1;0;0;21.4', 'badNodeId'],
    ['-1;1;1;0;0;21.4', 'badNodeId'],
    ['07;1;1;0;0;21.4', 'badNodeId'],
    [' 7;1;1;0;0;21.4', 'badNodeId'],
    [';1;1;0;0;21.4', 'badNodeId'],
    ['7;x;1;0;0;21.4', 'badChildId'],
    ['7;1;5;0;0;21.4', 'badCommand'],
    ['7;1;1;2;0;21.4', 'badAck'],
    ['7;1;1;0;256;21.4', 'badType'],
    ['7;1;1;0;0;12345678901234567890123456', 'payloadTooLong'],
    ['7;255;4;0;3;0G', 'badStreamPayload'],
    ['7;255;4;0;3;ABC', 'badStreamPayload'],
    ['ate;1;1;0;0;21.4', 'badNodeId'],
  ];
  for (const [line, reason] of cases) {
    void test(`malformed ${JSON.stringify(line)}`, () => {
      assert.deepEqual(decodeMySensorsLine(line), { kind: 'malformed', reason });
    });
  }

  const stateCases: Array<[string, string]> = [
    ['0;1;1;0;0;21.4', 'nodeIdOutOfRange'],
    ['255;1;1;0;0;21.4', 'nodeIdOutOfRange'],
    ['7;1;1;0;0;warm', 'badValue'],
    ['7;1;1;0;0;', 'badValue'],
    ['7;1;1;0;0;1e3', 'badValue'],
    ['7;255;3;0;0;101', 'badValue'],
    ['7;255;3;0;0;-1', 'badValue'],
  ];
  for (const [line, reason] of stateCases) {
    void test(`no state from ${JSON.stringify(line)}`, () => {
      const decoded: MySensorsDecoded = decodeMySensorsPacket(line);
      assert.deepEqual(decoded, { kind: 'malformed', reason });
    });
  }
});

void describe('mysensors payload edge cases', () => {
  void test('position payload keeps semicolons', () => {
    assert.deepEqual(decodeMySensorsLine('9;1;1;0;49;52.37;4.89;12'), message(9, 1, 'set', false, 49, 'V_POSITION', '52.37;4.89;12'));
  });

  void test('trailing semicolon stays in payload', () => {
    assert.deepEqual(decodeMySensorsLine('9;1;1;0;47;a;'), message(9, 1, 'set', false, 47, 'V_TEXT', 'a;'));
  });

  void test('text value stays text', () => {
    const decoded = decodeMySensorsPacket('9;1;1;0;49;52.37;4.89;12');
    assert.equal(decoded.kind, 'packet');
    if (decoded.kind === 'packet') {
      assert.deepEqual(decoded.packet.metrics, [{ name: 'position1', value: '52.37;4.89;12', unit: null }]);
    }
  });

  void test('unknown value type kept raw', () => {
    const decoded = decodeMySensorsPacket('9;4;1;0;99;7');
    assert.equal(decoded.kind, 'packet');
    if (decoded.kind === 'packet') {
      assert.deepEqual(decoded.packet.metrics, [{ name: 'value994', value: '7', unit: null }]);
    }
    assert.deepEqual(decodeMySensorsLine('9;4;1;0;99;7'), message(9, 4, 'set', false, 99, null, '7'));
  });

  void test('stream payload of 25 bytes', () => {
    const hex = 'AB'.repeat(25);
    assert.deepEqual(decodeMySensorsLine(`5;255;4;0;3;${hex}`), message(5, 255, 'stream', false, 3, 'ST_FIRMWARE_RESPONSE', hex));
    assert.deepEqual(decodeMySensorsLine(`5;255;4;0;3;${hex}AB`), { kind: 'malformed', reason: 'payloadTooLong' });
  });

  void test('negative temperature', () => {
    const decoded = decodeMySensorsPacket('7;1;1;0;0;-4.25');
    assert.equal(decoded.kind, 'packet');
    if (decoded.kind === 'packet') {
      assert.equal(decoded.packet.metrics[0]?.value, -4.25);
    }
  });
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    return error.code;
  }
  assert.fail('expected a GatehouseError');
}

void describe('mysensors commands', () => {
  void test('value type by name', () => {
    assert.equal(encodeMySensorsCommand(7, '3;V_STATUS;1'), '7;3;1;0;2;1');
  });

  void test('value type by number', () => {
    assert.equal(encodeMySensorsCommand(7, '3;2;0'), '7;3;1;0;2;0');
  });

  void test('payload with semicolons', () => {
    assert.equal(encodeMySensorsCommand(9, '1;V_TEXT;a;b'), '9;1;1;0;47;a;b');
  });

  void test('invalid commands rejected', () => {
    const cases: Array<[number, string]> = [
      [0, '3;V_STATUS;1'],
      [255, '3;V_STATUS;1'],
      [1.5, '3;V_STATUS;1'],
      [7, 'OPN'],
      [7, '3;V_NOPE;1'],
      [7, '300;V_STATUS;1'],
      [7, '3;256;1'],
      [7, `3;V_TEXT;${'x'.repeat(26)}`],
      [7, '3;V_TEXT;a\u0007'],
    ];
    for (const [nodeId, payload] of cases) {
      assert.equal(codeOf(() => encodeMySensorsCommand(nodeId, payload)), 'PROTOCOL_COMMAND_INVALID', `${nodeId} ${payload}`);
    }
  });

  void test('messages round trip', () => {
    const field = fc.integer({ min: 0, max: 255 });
    const textPayload = fc.stringMatching(/^[\x20-\x7e]{0,25}$/);
    fc.assert(
      fc.property(field, field, fc.constantFrom('presentation', 'set', 'req', 'internal') as fc.Arbitrary<MySensorsMessage['command']>, fc.boolean(), field, textPayload, (nodeId, childId, command, ack, type, payload) => {
        const line = encodeMySensorsMessage({ nodeId, childId, command, ack, type, payload });
        const decoded = decodeMySensorsLine(line);
        assert.equal(decoded.kind, 'message');
        if (decoded.kind === 'message') {
          assert.deepEqual({ ...decoded.message, typeName: null }, { nodeId, childId, command, ack, type, typeName: null, payload });
        }
      }),
    );
  });
});

/** Frames `stream` in chunks and decodes every line with `decode`, collecting the results. */
function frameAndDecode<T>(stream: Buffer, chunkSizes: number[], decode: (line: string) => T): T[] {
  const results: T[] = [];
  const framer = new LineFramer((line) => results.push(decode(line)));
  let offset = 0;
  for (let index = 0; offset < stream.length; index += 1) {
    const size = chunkSizes[index % chunkSizes.length] ?? 1;
    framer.push(stream.subarray(offset, offset + size));
    offset += size;
  }
  return results;
}

void describe('codec properties', () => {
  const chunks = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 });
  const noiseLine = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x0a)));
  const withNoise = (before: Buffer[], line: string, after: Buffer[]): Buffer =>
    Buffer.concat([...before.flatMap((noise) => [noise, Buffer.from('\n')]), Buffer.from(`${line}\n`), ...after.flatMap((noise) => [noise, Buffer.from('\n')])]);

  void test('arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), chunks, (bytes, sizes) => {
        frameAndDecode(Buffer.from(bytes), sizes, decodeMySensorsPacket);
        frameAndDecode(Buffer.from(bytes), sizes, decodeMoteinoLine);
      }),
      { numRuns: 300 },
    );
  });

  void test('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        decodeMySensorsLine(line);
        decodeMySensorsPacket(line);
      }),
    );
  });

  void test('mysensors packet among noise once', () => {
    fc.assert(
      fc.property(fc.array(noiseLine, { maxLength: 5 }), fc.array(noiseLine, { maxLength: 5 }), chunks, (before, after, sizes) => {
        const results = frameAndDecode(withNoise(before, '7;1;1;0;0;21.4', after), sizes, decodeMySensorsPacket);
        const matches = results.filter(
          (result) => result.kind === 'packet' && result.packet.nodeId === 7 && result.packet.metrics[0]?.name === 'temperature1' && result.packet.metrics[0].value === 21.4,
        );
        assert.equal(matches.length, 1);
      }),
    );
  });

  void test('moteino packet among noise once', () => {
    fc.assert(
      fc.property(fc.array(noiseLine, { maxLength: 5 }), fc.array(noiseLine, { maxLength: 5 }), chunks, (before, after, sizes) => {
        const results = frameAndDecode(withNoise(before, '[21] F:71.36 H:44.20 SS:-77', after), sizes, decodeMoteinoLine);
        const matches = results.filter((result) => result.kind === 'packet' && result.packet.nodeId === 21 && result.packet.rssi === -77);
        assert.equal(matches.length, 1);
      }),
    );
  });
});
