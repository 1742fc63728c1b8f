import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { historySeriesSchema } from '../../src/protocol/index.js';
import { errorCodeOf, errorMessageOf, HubHarness, hubUsers } from './hub-harness.js';

const historyOn = { enabled: true, rawRetentionDays: 30, fiveMinuteRetentionDays: 400, hourlyRetentionDays: 3650, flushIntervalMs: 200 };

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

void describe('history API', () => {
  let harness: HubHarness;
  const viewer = hubUsers.viewer.name;
  const base = '/api/nodes/21/metrics/temperature/history';

  before(async () => {
    harness = await HubHarness.start({ history: historyOn });
    const lines = ['[21] T:20.5 SS:-70', '[21] T:-3.25 SS:-71', '[21] T:22.5 SS:-72', '[31] DOOR:=1+2', '[31] DOOR:CLOSED', '[31] DOOR:@SUM(A1)'];
    const renamed = lines.map((line) => line.replace('T:', 'F:'));
    await harness.radio.write(`${renamed.join('\n')}\n`);
    await waitUntil(async () => {
      const health = (await harness.request('GET', '/api/health', viewer)).json as { history: { written: number } };
      return health.history.written >= 9;
    });
  });
  after(() => harness.stop());

  void test('returns a numeric series', async () => {
    const response = await harness.request('GET', `${base}?points=100`, viewer);
    assert.equal(response.status, 200, response.body);
    const series = historySeriesSchema.parse(response.json);
    assert.equal(series.kind, 'numeric');
    if (series.kind !== 'numeric') return;
    assert.equal(series.resolution, 'raw');
    assert.deepEqual(series.max, [20.5, -3.25, 22.5]);
    assert.equal(series.unit, '°F');
  });

  void test('returns RSSI history', async () => {
    const response = await harness.request('GET', '/api/nodes/21/metrics/rssi/history', viewer);
    const series = historySeriesSchema.parse(response.json);
    assert.ok(series.kind === 'numeric');
    assert.deepEqual(series.max, [-70, -71, -72]);
  });

  void test('accepts ISO times', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const response = await harness.request('GET', `${base}?from=${from}&to=${to}&points=1`, viewer);
    const series = historySeriesSchema.parse(response.json);
    assert.ok(series.kind === 'numeric');
    assert.deepEqual(series.max, [22.5]);
    assert.deepEqual(series.min, [-3.25]);
  });

  void test('returns a state timeline', async () => {
    const response = await harness.request('GET', '/api/nodes/31/metrics/door/history', viewer);
    const series = historySeriesSchema.parse(response.json);
    assert.ok(series.kind === 'state');
    assert.deepEqual(series.states, ['=1+2', 'CLOSED', '@SUM(A1)']);
    assert.equal(series.initial, null);
  });

  void test('rejects bad parameters', async () => {
    const cases: [string, RegExp][] = [
      ['?from=2000&to=1000', /from .* is after to/],
      ['?points=0', /points "0": expected an integer from 1 to 10000/],
      ['?points=10001', /points "10001"/],
      ['?points=abc', /points "abc"/],
      ['?from=yesterday', /invalid from "yesterday"/],
      ['?to=2026-13-45T00:00:00Z', /invalid to/],
      ['?from=1&from=2', /invalid from/],
    ];
    for (const [query, message] of cases) {
      const response = await harness.request('GET', `${base}${query}`, viewer);
      assert.equal(response.status, 400, `${query}: ${response.body}`);
      assert.equal(errorCodeOf(response), 'PROTOCOL_MESSAGE_INVALID');
      assert.match(errorMessageOf(response), message);
    }
  });

  void test('unknown metric is 404', async () => {
    const unknownMetric = await harness.request('GET', '/api/nodes/21/metrics/pressure/history', viewer);
    assert.equal(unknownMetric.status, 404);
    assert.equal(errorCodeOf(unknownMetric), 'METRIC_NOT_FOUND');
    assert.match(errorMessageOf(unknownMetric), /node 21 has no stored history for metric "pressure"/);
    const unknownNode = await harness.request('GET', '/api/nodes/99/metrics/temperature/history.csv', viewer);
    assert.equal(unknownNode.status, 404);
    const badNode = await harness.request('GET', '/api/nodes/0/metrics/temperature/history', viewer);
    assert.equal(badNode.status, 400);
  });

  void test('CSV neutralises formulas', async () => {
    const response = await harness.request('GET', '/api/nodes/31/metrics/door/history.csv', viewer);
    assert.equal(response.status, 200, response.body);
    const lines = response.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,time_ms,state');
    assert.match(lines[1] ?? '', /^\d{4}-.*Z,\d+,"'=1\+2"$/);
    assert.match(lines[2] ?? '', /,CLOSED$/);
    assert.match(lines[3] ?? '', /,"'@SUM\(A1\)"$/);
  });

  void test('CSV keeps negative numbers', async () => {
    const response = await harness.request('GET', `${base}.csv`, viewer);
    assert.equal(response.status, 200);
    const lines = response.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,time_ms,min (°F),max (°F),mean (°F),count');
    assert.match(lines[2] ?? '', /,-3\.25,-3\.25,-3\.25,1$/);
    assert.equal(lines.length, 4);
  });

  void test('health and metrics count writes', async () => {
    const health = (await harness.request('GET', '/api/health', viewer)).json as { history: { state: string; written: number; databaseBytes: number; queued: number } };
    assert.equal(health.history.state, 'open');
    assert.ok(health.history.written >= 9);
    assert.ok(health.history.databaseBytes > 0);
    const metrics = await harness.request('GET', '/api/metrics', viewer);
    assert.match(metrics.body, /^gatehouse_history_readings_written_total \d+$/m);
    assert.match(metrics.body, /^gatehouse_history_database_bytes [1-9]\d*$/m);
  });
});
