import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GatehouseError } from '../../src/errors/index.js';
import { encodeMoteinoCommand, encodeMoteinoRequest, encodeMoteinoRequestCancel, moteinoCodec } from '../../src/radio/moteino/index.js';

function rejection(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    return error;
  }
  assert.fail('expected PROTOCOL_COMMAND_INVALID');
}

void describe('encodeMoteinoCommand', () => {
  void test('garage open', () => {
    assert.equal(encodeMoteinoCommand(14, 'OPN'), '14:OPN');
  });

  void test('switch with value', () => {
    assert.equal(encodeMoteinoCommand(33, 'BTN1:1'), '33:BTN1:1');
  });

  void test('line at the maximum', () => {
    const payload = 'A'.repeat(21);
    assert.equal(encodeMoteinoCommand(14, payload), `14:${payload}`);
  });

  void test('MightyHat maximum of 64', () => {
    const payload = 'A'.repeat(61);
    assert.equal(encodeMoteinoCommand(14, payload, { maxLineLength: 64 }), `14:${payload}`);
  });

  void test('highest node id', () => {
    assert.equal(encodeMoteinoCommand(1023, 'X'), '1023:X');
  });

  void test('node 1 with another gateway id', () => {
    assert.equal(encodeMoteinoCommand(1, 'X', { gatewayId: 2 }), '1:X');
  });

  const rejections: { name: string; nodeId: number; payload: string; options?: { gatewayId?: number; maxLineLength?: number }; mentions: string }[] = [
    { name: 'id zero', nodeId: 0, payload: 'OPN', mentions: 'node id 0' },
    { name: 'id above 1023', nodeId: 1024, payload: 'OPN', mentions: 'node id 1024' },
    { name: 'negative id', nodeId: -3, payload: 'OPN', mentions: 'node id -3' },
    { name: 'fractional id', nodeId: 1.5, payload: 'OPN', mentions: 'node id 1.5' },
    { name: 'NaN id', nodeId: Number.NaN, payload: 'OPN', mentions: 'node id NaN' },
    { name: 'gateway id', nodeId: 1, payload: 'OPN', mentions: "radio gateway's own id" },
    { name: 'custom gateway id', nodeId: 7, payload: 'OPN', options: { gatewayId: 7 }, mentions: "radio gateway's own id" },
    { name: 'empty payload', nodeId: 14, payload: '', mentions: 'Missing payload' },
    { name: 'newline in payload', nodeId: 14, payload: 'OPN\n15:CLS', mentions: 'control or non-ASCII' },
    { name: 'CR in payload', nodeId: 14, payload: 'OPN\r', mentions: 'control or non-ASCII' },
    { name: 'NUL in payload', nodeId: 14, payload: 'O\x00PN', mentions: 'control or non-ASCII' },
    { name: 'DEL in payload', nodeId: 14, payload: 'OPN\x7f', mentions: 'control or non-ASCII' },
    { name: 'non-ASCII payload', nodeId: 14, payload: 'ÖPN', mentions: 'control or non-ASCII' },
    { name: 'line over 24', nodeId: 14, payload: 'A'.repeat(22), mentions: 'maximum of 24' },
    { name: 'line over 64', nodeId: 14, payload: 'A'.repeat(62), options: { maxLineLength: 64 }, mentions: 'maximum of 64' },
  ];
  for (const testCase of rejections) {
    void test(`rejects ${testCase.name}`, () => {
      const error = rejection(() => encodeMoteinoCommand(testCase.nodeId, testCase.payload, testCase.options));
      assert.equal(error.code, 'PROTOCOL_COMMAND_INVALID');
      assert.ok(error.message.includes(testCase.mentions), error.message);
    });
  }

  void test('codec binds gateway id', () => {
    const codec = moteinoCodec({ gatewayId: 5 });
    const error = rejection(() => codec.encode(5, 'OPN'));
    assert.equal(error.code, 'PROTOCOL_COMMAND_INVALID');
  });

  void test('output is one printable line', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1100 }), fc.string({ unit: 'binary', maxLength: 30 }), (nodeId, payload) => {
        let line: string;
        try {
          line = encodeMoteinoCommand(nodeId, payload);
        } catch (error) {
          assert.ok(error instanceof GatehouseError);
          return;
        }
        assert.match(line, /^[1-9]\d{0,3}:[\x20-\x7e]+$/);
        assert.ok(line.length <= 24);
      }),
    );
  });
});

test('request lines within firmware limits', () => {
  assert.equal(encodeMoteinoRequest(21, 'P_TXP', '20'), 'RQ:21:P_TXP:20');
  assert.equal(encodeMoteinoRequest(21, 'PING', null), 'RQ:21:PING');
  assert.equal(encodeMoteinoRequestCancel(21, 'P_TXP', '20'), '21:VOID:P_TXP:20');
  assert.equal(encodeMoteinoRequest(1023, 'ABCDEFGHIJKLMNOP', null), 'RQ:1023:ABCDEFGHIJKLMNOP', 'exactly 24 characters');
  assert.equal(encodeMoteinoRequest(900, 'LONG_SETTING_NAME', 'VALUE_OF_IT', { maxLineLength: 64 }), 'RQ:900:LONG_SETTING_NAME:VALUE_OF_IT');
});

test('request lines rejected before writing', () => {
  const cases: Array<{ nodeId: number; name: string; value: string | null; message: RegExp }> = [
    { nodeId: 1023, name: 'ABCDEFGHIJKLMNOPQ', value: null, message: /25 characters long, more than the radio gateway's maximum of 24/ },
    { nodeId: 0, name: 'P_TXP', value: '20', message: /integer from 1 to 1023/ },
    { nodeId: 1024, name: 'P_TXP', value: '20', message: /integer from 1 to 1023/ },
    { nodeId: 1, name: 'P_TXP', value: '20', message: /radio gateway's own id/ },
    { nodeId: 21, name: '', value: null, message: /Invalid request name/ },
    { nodeId: 21, name: '1ST', value: null, message: /Invalid request name/ },
    { nodeId: 21, name: 'P TXP', value: null, message: /Invalid request name/ },
    { nodeId: 21, name: 'P_TXP\r', value: null, message: /Invalid request name/ },
    { nodeId: 21, name: 'P_TXP', value: '2\u00070', message: /Invalid request value/ },
    { nodeId: 21, name: 'P_TXP', value: '20:OK', message: /Invalid request value/ },
    { nodeId: 21, name: 'P_TXP', value: '[20]', message: /Invalid request value/ },
    { nodeId: 21, name: 'P_TXP', value: '', message: /Invalid request value/ },
    { nodeId: 21, name: 'P_TXP', value: 'é', message: /Invalid request value/ },
  ];
  for (const entry of cases) {
    assert.throws(() => encodeMoteinoRequest(entry.nodeId, entry.name, entry.value), { code: 'PROTOCOL_COMMAND_INVALID', message: entry.message }, JSON.stringify(entry));
  }
  assert.throws(() => encodeMoteinoRequestCancel(1000, 'ABCDEFGHIJKLM', '1'), { code: 'PROTOCOL_COMMAND_INVALID', message: /maximum of 24/ });
  assert.throws(() => encodeMoteinoRequest(7, 'P_TXP', '20', { gatewayId: 7 }), { message: /radio gateway's own id/ });
});

test('request encoder output always fits', () => {
  fc.assert(
    fc.property(fc.integer({ min: -5, max: 2000 }), fc.string({ maxLength: 30 }), fc.option(fc.string({ maxLength: 30 })), (nodeId, name, value) => {
      let line: string;
      try {
        line = encodeMoteinoRequest(nodeId, name, value);
      } catch (error) {
        assert.ok(error instanceof GatehouseError, String(error));
        assert.equal(error.code, 'PROTOCOL_COMMAND_INVALID');
        return;
      }
      assert.ok(line.length <= 24, line);
      assert.match(line, /^RQ:\d{1,4}:[A-Za-z][A-Za-z0-9_]*(?::[^\s:[\]]+)?$/);
    }),
    { numRuns: 2000 },
  );
});
