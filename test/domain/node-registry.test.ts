import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeRegistry } from '../../src/domain/index.js';
import type { Node } from '../../src/protocol/index.js';

const first = new Date('2026-01-01T10:00:00.000Z');
const second = new Date('2026-01-01T10:00:05.000Z');

test('registry merges metrics per node', () => {
  const registry = new NodeRegistry();
  registry.apply({ nodeId: 21, rssi: -77, metrics: [{ name: 'temperature', value: 71.36, unit: '°F' }, { name: 'humidity', value: 44.2, unit: '%' }] }, first);
  const node = registry.apply({ nodeId: 21, rssi: null, metrics: [{ name: 'temperature', value: 70.1, unit: '°F' }] }, second);

  assert.equal(node.lastSeen, second.toISOString());
  assert.equal(node.rssi, -77, 'a packet without RSSI keeps the last known value');
  assert.equal(node.packets, 2);
  assert.deepEqual(node.metrics.temperature, { value: 70.1, unit: '°F', time: second.toISOString() });
  assert.deepEqual(node.metrics.humidity, { value: 44.2, unit: '%', time: first.toISOString() });
});

test('registry notifies and unsubscribes listeners', () => {
  const registry = new NodeRegistry();
  const seen: Node[] = [];
  const unsubscribe = registry.onChange((node) => seen.push(node));
  const stored = registry.apply({ nodeId: 11, rssi: -64, metrics: [] }, first);
  unsubscribe();
  registry.apply({ nodeId: 11, rssi: -60, metrics: [] }, second);

  assert.equal(seen.length, 1);
  assert.equal(seen[0], stored);
  assert.equal(registry.get(11)?.rssi, -60);
  assert.equal(stored.rssi, -64, 'a stored node object is never mutated');
});

test('registry lists nodes by id', () => {
  const registry = new NodeRegistry();
  for (const id of [30, 4, 18]) {
    registry.apply({ nodeId: id, rssi: null, metrics: [] }, first);
  }
  assert.deepEqual(
    registry.list().map((node) => node.id),
    [4, 18, 30],
  );
  assert.equal(registry.get(99), undefined);
});

test('seeds merge; heard nodes ignore seeds', () => {
  const registry = new NodeRegistry();
  const base = { rssi: null, packets: 0, gateway: 'radio', hidden: false, offline: false, batteryLow: false, pinned: [], kind: null, type: null };
  // Saved settings: a name, no readings.
  registry.seed({ ...base, id: 5, name: 'Garage', lastSeen: first.toISOString(), firstSeen: '2025-06-01T00:00:00.000Z', metrics: {} });
  // History: the last readings, a later last-seen time, no name.
  registry.seed({
    ...base,
    id: 5,
    name: null,
    rssi: -70,
    lastSeen: second.toISOString(),
    firstSeen: '2025-07-01T00:00:00.000Z',
    metrics: { door: { value: 'CLOSED', unit: null, time: second.toISOString() } },
  });
  const seeded = registry.get(5);
  assert.equal(seeded?.name, 'Garage');
  assert.equal(seeded.firstSeen, '2025-06-01T00:00:00.000Z');
  assert.equal(seeded.lastSeen, second.toISOString());
  assert.equal(seeded.rssi, -70);
  assert.deepEqual(Object.keys(seeded.metrics), ['door']);

  registry.apply({ nodeId: 5, rssi: -60, metrics: [{ name: 'door', value: 'OPEN', unit: null }] }, second);
  registry.seed({ ...base, id: 5, name: 'Stale', lastSeen: first.toISOString(), firstSeen: null, metrics: {} });
  assert.equal(registry.get(5)?.metrics.door?.value, 'OPEN');
  assert.equal(registry.get(5)?.name, 'Garage');
});
