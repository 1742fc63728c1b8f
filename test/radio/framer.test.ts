import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineFramer } from '../../src/radio/framer.js';

function frame(chunks: (string | Buffer)[], maxLineLength?: number): { lines: string[]; framer: LineFramer } {
  const lines: string[] = [];
  const framer = new LineFramer((line) => lines.push(line), maxLineLength === undefined ? {} : { maxLineLength });
  for (const chunk of chunks) {
    framer.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }
  return { lines, framer };
}

void describe('LineFramer', () => {
  const cases: { name: string; chunks: string[]; lines: string[]; overlong?: number; nonPrintable?: number }[] = [
    { name: 'one line', chunks: ['[11] MOTION SS:-64\n'], lines: ['[11] MOTION SS:-64'] },
    { name: 'line split across chunks', chunks: ['[11] MO', 'TION', ' SS:-64\n'], lines: ['[11] MOTION SS:-64'] },
    { name: 'two lines in one chunk', chunks: ['ACK:OK\nACK:NOK\n'], lines: ['ACK:OK', 'ACK:NOK'] },
    { name: 'CRLF terminator', chunks: ['ACK:OK\r\n'], lines: ['ACK:OK'] },
    { name: 'NUL and CR stripped', chunks: ['\x00\x00[11] MOTION\r\n'], lines: ['[11] MOTION'] },
    { name: 'empty lines skipped', chunks: ['\n\r\n\x00\n'], lines: [] },
    { name: 'partial line kept', chunks: ['ACK:OK'], lines: [] },
    { name: 'tab rejected', chunks: ['a\tb\nok\n'], lines: ['ok'], nonPrintable: 1 },
    { name: 'DEL rejected', chunks: ['a\x7fb\n'], lines: [], nonPrintable: 1 },
    { name: 'high byte rejected', chunks: ['[7] \xff\x8f#r SS:-97\n'], lines: [], nonPrintable: 1 },
    { name: 'escape rejected', chunks: ['\x1b[0m\n'], lines: [], nonPrintable: 1 },
  ];
  for (const testCase of cases) {
    void test(testCase.name, () => {
      const { lines, framer } = frame(testCase.chunks);
      assert.deepEqual(lines, testCase.lines);
      assert.equal(framer.counts().dropped.overlong, testCase.overlong ?? 0);
      assert.equal(framer.counts().dropped.nonPrintable, testCase.nonPrintable ?? 0);
    });
  }

  void test('line at the maximum kept', () => {
    const { lines, framer } = frame(['x'.repeat(8) + '\n'], 8);
    assert.deepEqual(lines, ['x'.repeat(8)]);
    assert.equal(framer.counts().dropped.overlong, 0);
  });

  void test('overlong line dropped to LF', () => {
    const { lines, framer } = frame(['x'.repeat(5), 'y'.repeat(5), 'zzz\nACK:OK\n'], 8);
    assert.deepEqual(lines, ['ACK:OK']);
    assert.equal(framer.counts().dropped.overlong, 1);
  });

  void test('default maximum is 256 bytes', () => {
    const { lines, framer } = frame(['a'.repeat(256) + '\n' + 'b'.repeat(257) + '\n']);
    assert.equal(lines.length, 1);
    assert.equal(framer.counts().dropped.overlong, 1);
  });

  void test('reset discards a partial line', () => {
    const lines: string[] = [];
    const framer = new LineFramer((line) => lines.push(line));
    framer.push(Buffer.from('[11] MOT'));
    framer.reset();
    framer.push(Buffer.from('ACK:OK\n'));
    assert.deepEqual(lines, ['ACK:OK']);
  });

  void test('counts lines handed out', () => {
    const { framer } = frame(['a\nb\n\n']);
    assert.equal(framer.counts().lines, 2);
  });

  void test('rejects a zero maximum', () => {
    assert.throws(() => new LineFramer(() => undefined, { maxLineLength: 0 }), RangeError);
  });
});

void describe('LineFramer properties', () => {
  void test('arbitrary chunks never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const { framer } = frame(chunks.map((chunk) => Buffer.from(chunk)), 64);
        framer.counts();
      }),
    );
  });

  void test('emitted lines are printable and bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const { lines } = frame(chunks.map((chunk) => Buffer.from(chunk)), 64);
        for (const line of lines) {
          assert.match(line, /^[\x20-\x7e]{1,64}$/);
        }
      }),
    );
  });

  const validLine = '[21] F:71.36 H:44.20 SS:-77';
  // A noise line is any bytes without LF. Some are printable, so they come out as lines of their own.
  const noiseLine = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x0a)));

  void test('valid line among noise emitted once', () => {
    fc.assert(
      fc.property(
        fc.array(noiseLine, { maxLength: 5 }),
        fc.array(noiseLine, { maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        (before, after, chunkSizes) => {
          const stream = Buffer.concat([
            ...before.flatMap((noise) => [noise, Buffer.from('\n')]),
            Buffer.from(validLine + '\n'),
            ...after.flatMap((noise) => [noise, Buffer.from('\n')]),
          ]);
          const lines: string[] = [];
          const framer = new LineFramer((line) => lines.push(line), { maxLineLength: 256 });
          let offset = 0;
          for (let index = 0; offset < stream.length; index += 1) {
            const size = chunkSizes[index % chunkSizes.length] ?? 1;
            framer.push(stream.subarray(offset, offset + size));
            offset += size;
          }
          assert.equal(lines.filter((line) => line === validLine).length, 1);
        },
      ),
    );
  });

  void test('counters add up to non-empty lines', () => {
    fc.assert(
      fc.property(fc.array(noiseLine, { maxLength: 10 }), (noise) => {
        const stream = Buffer.concat(noise.flatMap((line) => [line, Buffer.from('\n')]));
        const { framer } = frame([stream], 128);
        const nonEmpty = noise.filter((line) => line.some((byte) => byte !== 0x00 && byte !== 0x0d)).length;
        const counts = framer.counts();
        assert.equal(counts.lines + counts.dropped.overlong + counts.dropped.nonPrintable, nonEmpty);
      }),
    );
  });
});
