import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { reportFailure } from '../../src/cli/exit.js';
import { parseConfig } from '../../src/config/load.js';

function failureOf(raw: unknown): Error {
  try {
    parseConfig(raw, 'gatehouse.yaml');
  } catch (error) {
    return error as Error;
  }
  assert.fail('the config was accepted');
}

test('config accepts user node types', () => {
  const config = parseConfig(
    {
      nodeTypes: { WindMote: { kind: 'weather', extends: 'WeatherMote', metrics: [{ token: 'WS', metric: 'windSpeed', unit: 'm/s', scale: 0.1 }] } },
      nodes: { '62': { type: 'WindMote', name: 'Roof' }, '11': { type: 'MotionMote' } },
    },
    'gatehouse.yaml',
  );
  assert.equal(config.nodeTypes.WindMote?.metrics[0]?.scale, 0.1);
  assert.equal(config.nodes['62']?.type, 'WindMote');
});

test('config rejects unknown node type', () => {
  const error = failureOf({ nodes: { '14': { type: 'GarageMoat' } } });
  assert.match(error.message, /nodes\.14\.type: got "GarageMoat", is not a node type: use one of .*GarageMote/);
  // reportFailure prints the message for a person at a terminal; the test only needs its exit code.
  const silenced = mock.method(process.stderr, 'write', () => true);
  try {
    assert.equal(reportFailure(error), 2);
  } finally {
    silenced.mock.restore();
  }
});

test('config rejects unknown extends', () => {
  const error = failureOf({ nodeTypes: { WindMote: { extends: 'WeatherMoat' } } });
  assert.match(error.message, /nodeTypes\.WindMote\.extends: got "WeatherMoat", is not a node type: extend one of/);
});

test('config rejects extends cycle', () => {
  const error = failureOf({ nodeTypes: { A: { extends: 'B' }, B: { extends: 'C' }, C: { extends: 'A' } } });
  assert.match(error.message, /nodeTypes\.A\.extends: got "B", makes a cycle \(A -> B -> C -> A\)/);
  assert.match(error.message, /let one of these types extend a built-in type or none/);
});

test('config rejects bad metric definition', () => {
  const error = failureOf({ nodeTypes: { WindMote: { metrics: [{ token: '9X', metric: 'Wind Speed' }] } } });
  assert.match(error.message, /nodeTypes\.WindMote\.metrics\.0\.token/);
  assert.match(error.message, /nodeTypes\.WindMote\.metrics\.0\.metric/);
});
