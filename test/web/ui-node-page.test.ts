// Browser tests of the node page against the scripted hub: metrics, controls, graphs, requests and
// management, with the REST routes that the hub serves scripted per test.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { commandRequestMessage, logSubscribeMessage, nodeUpdateBody, requestCreateBody } from '../../src/protocol/index.js';
import type { HistorySeries, Node, NodeRequest } from '../../src/protocol/index.js';
import { addQuietRoutes, artifactsDir, horizontalOverflow, minutesAgo, nodeCard, nodePage, pageMetricValue, sampleNode, secondsAgo, snapshot, UiSession, waitForText, waitUntil } from './ui-harness.js';
import type { ApiRequest } from './ui-server.js';

let session: UiSession;

before(async () => {
  session = await UiSession.start();
});

afterEach(() => {
  session.server.api.reset();
  addQuietRoutes(session.server.api);
});

after(async () => {
  await session?.close();
});

const hourMs = 3_600_000;

/** Returns a garage node. `pinned` also selects the metric that its chart starts with. */
function garageNode(pinned: string[] = []): Node {
  const node = sampleNode(14, 18.5, { name: 'Garage', type: 'GarageMote', pinned });
  node.metrics['state'] = { value: 'CLOSED', unit: null, time: secondsAgo(30) };
  node.metrics['humidity'] = { value: 55, unit: '%', time: secondsAgo(30) };
  return node;
}

/** Returns a day of hourly temperature readings ending at the requested `to`, for any requested range. */
function temperatureHistory(request: ApiRequest): HistorySeries {
  const from = Number(request.query.get('from'));
  const to = Number(request.query.get('to'));
  const times = Array.from({ length: 24 }, (_, index) => to - (23 - index) * hourMs).filter((time) => time >= from);
  return {
    kind: 'numeric',
    nodeId: 14,
    metric: 'temperature',
    unit: '°C',
    resolution: '1h',
    from,
    to,
    times,
    min: times.map((_, index) => 15 + index / 4),
    max: times.map((_, index) => 17 + index / 4),
    mean: times.map((_, index) => 16 + index / 4),
  };
}

function stateHistory(request: ApiRequest): HistorySeries {
  const from = Number(request.query.get('from'));
  const to = Number(request.query.get('to'));
  return { kind: 'state', nodeId: 14, metric: 'state', from, to, initial: 'CLOSED', times: [to - 5 * hourMs, to - 4 * hourMs], states: ['OPEN', '<b>CLOSED</b>'] };
}

function pendingRequest(id: string, state: NodeRequest['state'] = 'pending'): NodeRequest {
  return {
    id,
    gateway: 'radio',
    nodeId: 14,
    name: 'P_TXP',
    value: '20',
    state,
    createdAt: minutesAgo(2),
    updatedAt: minutesAgo(2),
    expiresAt: new Date(Date.now() + hourMs).toISOString(),
    user: 'alice',
  };
}

void test('node page lists every metric', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('operator', [garageNode()]));
    await nodeCard(page, 14).getByRole('link', { name: 'Garage' }).click();

    assert.equal(await waitForText(page.locator('#node-page-title'), 'Garage'), 'Garage');
    assert.equal(await pageMetricValue(page, 'temperature').textContent(), '18.5 °C');
    assert.equal(await pageMetricValue(page, 'humidity').textContent(), '55 %');
    assert.equal(await pageMetricValue(page, 'battery').textContent(), '3.1 V');
    assert.equal(await pageMetricValue(page, 'state').textContent(), 'CLOSED');
    assert.match((await nodePage(page).locator('tr[data-metric="battery"] time').textContent()) ?? '', /^3 min ago$/);
    assert.equal(await nodePage(page).locator('[data-field="rssi"]').textContent(), '-67 dBm');

    peer.send({ type: 'node', node: { ...garageNode(), metrics: { ...garageNode().metrics, state: { value: 'OPEN', unit: null, time: secondsAgo(0) } } } });
    assert.equal(await waitForText(pageMetricValue(page, 'state'), 'OPEN'), 'OPEN');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('garage controls send commands', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    peer.send(snapshot('operator', [garageNode()]));
    await page.getByRole('button', { name: 'Open', exact: true }).click();

    const opened = commandRequestMessage.safeParse(await peer.nextCommand());
    assert.equal(opened.success, true);
    assert.equal(opened.data?.nodeId, 14);
    assert.equal(opened.data?.payload, 'OPN');
    const status = page.locator('.command output');
    assert.equal(await waitForText(status, 'Sending "OPN"…'), 'Sending "OPN"…');
    const id = opened.data?.id ?? '';
    // The link is down, so the hub queues the command and reports later that it went out.
    peer.send({ type: 'reply', id, command: { id: 'hub-1', nodeId: 14, payload: 'OPN', state: 'queued', time: new Date().toISOString() } });
    assert.equal(await waitForText(status, 'Queued "OPN" until the radio link reopens.'), 'Queued "OPN" until the radio link reopens.');
    peer.send({ type: 'command', command: { id: 'hub-1', nodeId: 14, payload: 'OPN', state: 'sent', time: new Date().toISOString() } });
    assert.equal(await waitForText(status, 'Sent "OPN".'), 'Sent "OPN".');

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    const closed = commandRequestMessage.safeParse(await peer.nextCommand());
    assert.equal(closed.data?.payload, 'CLS');

    // The raw command box, by keyboard.
    const input = page.getByLabel('Command to node 14');
    await input.fill('BAD');
    await input.press('Enter');
    const raw = commandRequestMessage.safeParse(await peer.nextCommand());
    assert.equal(raw.data?.payload, 'BAD');
    peer.send({ type: 'error', id: raw.data?.id ?? '', error: { code: 'PROTOCOL_INVALID_COMMAND', message: 'The moteino dialect has no command "BAD".' } });
    const expected = 'Not sent: The moteino dialect has no command "BAD".';
    assert.equal(await waitForText(status, expected), expected);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('controls fit each kind', async () => {
  const { page, peer, problems } = await session.openPage('#/node/30');
  try {
    const nodes = [
      sampleNode(30, 1, { type: 'SwitchMote' }),
      sampleNode(31, 1, { type: 'DoorBell' }),
      sampleNode(32, 1, { type: 'WeatherMote' }),
      // A type the hub does not know: the TYPE token, kept as a metric, names it.
      sampleNode(33, 1, { metrics: { nodeType: { value: 'GarageMote', unit: null, time: secondsAgo(1) } } }),
      // A user-defined type whose name says nothing: the kind the hub resolved decides.
      sampleNode(34, 1, { type: 'BackGate', kind: 'garage' }),
    ];
    peer.send(snapshot('operator', nodes));
    const presets = page.locator('.preset-commands button');
    assert.deepEqual(await waitForPresets(presets, ['On', 'Off']), ['On', 'Off']);
    await page.evaluate('window.location.hash = "#/node/31"');
    assert.deepEqual(await waitForPresets(presets, ['Mute', 'Unmute']), ['Mute', 'Unmute']);
    await page.evaluate('window.location.hash = "#/node/32"');
    await waitForText(page.locator('#node-page-title'), 'Node 32');
    assert.equal(await presets.count(), 0);
    assert.equal(await page.getByLabel('Command to node 32').count(), 1);
    await page.evaluate('window.location.hash = "#/node/33"');
    assert.deepEqual(await waitForPresets(presets, ['Open', 'Close']), ['Open', 'Close']);
    await page.evaluate('window.location.hash = "#/node/32"');
    await waitForText(page.locator('#node-page-title'), 'Node 32');
    await page.evaluate('window.location.hash = "#/node/34"');
    assert.deepEqual(await waitForPresets(presets, ['Open', 'Close']), ['Open', 'Close']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

async function waitForPresets(presets: ReturnType<typeof nodePage>, expected: string[]): Promise<string[]> {
  let labels: string[] = [];
  await waitUntil(async () => {
    labels = await presets.allTextContents();
    return labels.join('|') === expected.join('|');
  });
  return labels;
}

void test('history chart draws and zooms', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    session.server.api.on('GET', '/api/nodes/14/metrics/temperature/history', (request) => ({ status: 200, body: temperatureHistory(request) }));
    session.server.api.on('GET', '/api/nodes/14/metrics/humidity/history', (request) => ({
      status: 200,
      body: { ...temperatureHistory(request), metric: 'humidity', unit: '%', resolution: 'raw' },
    }));
    session.server.api.on('GET', '/api/nodes/14/metrics/state/history', (request) => ({ status: 200, body: stateHistory(request) }));
    peer.send(snapshot('operator', [garageNode(['temperature'])]));

    const chart = page.locator('.chart');
    await chart.locator('canvas').waitFor();
    assert.match(await waitForText(page.locator('.uplot .u-legend'), /temperature \(°C\)/), /temperature \(°C\)/);
    // The chart may draw its axes before it has the points, so wait for them.
    assert.equal(await waitUntil(async () => (await chart.getAttribute('data-points')) === '24'), true);
    const first = session.server.api.requestsTo('GET', '/api/nodes/14/metrics/temperature/history').at(-1);
    assert.equal(Number(first?.query.get('to')) - Number(first?.query.get('from')), 24 * hourMs);
    assert.equal(first?.query.get('points'), '1000');

    // The week range requests seven days.
    await page.getByRole('button', { name: 'week' }).click();
    assert.equal(await page.getByRole('button', { name: 'week' }).getAttribute('aria-pressed'), 'true');
    assert.equal(
      await waitUntil(() => {
        const last = session.server.api.requestsTo('GET', '/api/nodes/14/metrics/temperature/history').at(-1);
        return Number(last?.query.get('to')) - Number(last?.query.get('from')) === 7 * 24 * hourMs;
      }),
      true,
    );

    // A second metric on the same chart.
    await page.getByRole('region', { name: 'History' }).getByRole('checkbox', { name: 'humidity' }).check();
    assert.match(await waitForText(page.locator('.uplot .u-legend'), /humidity/), /temperature \(°C\).*humidity \(%\)/s);
    assert.equal(await page.locator('.uplot').count(), 1);

    // CSV links follow the range.
    const csv = page.getByRole('link', { name: 'Download temperature as CSV' });
    const href = (await csv.getAttribute('href')) ?? '';
    assert.match(href, /^\/api\/nodes\/14\/metrics\/temperature\/history\.csv\?from=\d+&to=\d+$/);
    assert.equal(await csv.getAttribute('download'), 'node-14-temperature.csv');

    // Dragging across the plot zooms into that part and fetches it at a finer resolution.
    const over = page.locator('.uplot .u-over');
    const box = await over.boundingBox();
    assert.ok(box !== null);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.match(await waitForText(page.locator('[data-field="history-range"]'), /\(zoomed\)$/), /\(zoomed\)$/);
    // A quarter of the week's width, give or take the pixels of the drag.
    let span = 0;
    await waitUntil(() => {
      const zoomed = session.server.api.requestsTo('GET', '/api/nodes/14/metrics/temperature/history').at(-1);
      span = Number(zoomed?.query.get('to')) - Number(zoomed?.query.get('from'));
      return span < 7 * 24 * hourMs;
    });
    assert.ok(span > 1.5 * 24 * hourMs, `zoomed span ${span} ms`);
    assert.ok(span < 2 * 24 * hourMs, `zoomed span ${span} ms`);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    assert.match(await waitForText(page.locator('[data-field="history-range"]'), /\(live\)$/), /\(live\)$/);

    // The state timeline shows every change as text.
    const timeline = page.locator('[data-metric-timeline="state"]');
    // The node's current reading (CLOSED, 30 s ago) differs from the last change, so it extends the timeline.
    const segments = timeline.locator('.timeline-segment');
    // Reset zoom fetches the series again, and the live reading is appended after that fetch, so
    // wait for the whole list rather than for a count that the old series may already show.
    const expectedSegments = ['CLOSED', 'OPEN', '<b>CLOSED</b>', 'CLOSED'];
    await waitUntil(async () => (await segments.allTextContents()).join('|') === expectedSegments.join('|'));
    assert.deepEqual(await segments.allTextContents(), expectedSegments);
    assert.match((await timeline.locator('.state-changes').textContent()) ?? '', /OPEN.*<b>CLOSED<\/b>/s);
    assert.equal(await page.locator('body b').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('chart extends with live readings', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    session.server.api.on('GET', '/api/nodes/14/metrics/temperature/history', (request) => ({ status: 200, body: temperatureHistory(request) }));
    peer.send(snapshot('operator', [garageNode(['temperature'])]));
    const chart = page.locator('.chart');
    await chart.locator('canvas').waitFor();
    assert.equal(await chart.getAttribute('data-points'), '24');
    const fetches = session.server.api.requestsTo('GET', '/api/nodes/14/metrics/temperature/history').length;

    const update = garageNode(['temperature']);
    update.metrics['temperature'] = { value: 19.25, unit: '°C', time: new Date(Date.now() + 1000).toISOString() };
    peer.send({ type: 'node', node: update });

    assert.equal(await waitUntil(async () => (await chart.getAttribute('data-points')) === '25'), true);
    // Extended in place, without asking the hub again.
    assert.equal(session.server.api.requestsTo('GET', '/api/nodes/14/metrics/temperature/history').length, fetches);
    await page.setViewportSize({ width: 375, height: 740 });
    assert.equal(await horizontalOverflow(page), 0);
    await page.screenshot({ path: join(artifactsDir, 'ui-node-page-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(artifactsDir, 'ui-node-page-desktop.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('history errors are shown', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    session.server.api.on('GET', '/api/nodes/14/metrics/temperature/history', () => ({
      status: 400,
      body: { error: { code: 'PROTOCOL_MESSAGE_INVALID', message: '<i>points</i> must be at most 5000' } },
    }));
    session.server.api.on('GET', '/api/nodes/14/metrics/state/history', () => ({ status: 200, body: { kind: 'numeric', nonsense: true } }));
    peer.send(snapshot('operator', [garageNode(['temperature'])]));

    const alerts = page.locator('.form-error');
    assert.equal(await waitForText(alerts.first(), 'History not available: <i>points</i> must be at most 5000'), 'History not available: <i>points</i> must be at most 5000');
    assert.match(await waitForText(alerts.nth(1), /unexpected shape/), /^History not available: GET \/api\/nodes\/14\/metrics\/state\/history\?.* returned a body of an unexpected shape\.$/);
    assert.equal(await page.locator('body i').count(), 0);
    const unexpected = problems.filter((problem) => !problem.includes('status of 400'));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('requests show, queue and cancel', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    const api = session.server.api;
    api.on('GET', '/api/nodes/14/requests', () => ({ status: 200, body: [pendingRequest('r-old', 'timedOut')] }));
    api.on('POST', '/api/nodes/14/requests', (request) => {
      const body = requestCreateBody.parse(request.body);
      return { status: 201, body: { ...pendingRequest('r-new'), name: body.name, value: body.value ?? null } };
    });
    api.on('DELETE', /^\/api\/requests\/[^/]+$/, () => ({ status: 204 }));
    peer.send(snapshot('operator', [garageNode()], 'alice', [pendingRequest('r-1')]));

    const row = (id: string) => page.locator(`tr[data-request-id="${id}"]`);
    assert.equal(await waitForText(row('r-1').locator('[data-field="request-state"]'), 'pending'), 'pending');
    assert.equal(await waitForText(row('r-old').locator('[data-field="request-state"]'), 'timed out'), 'timed out');

    await page.getByLabel('Setting').fill('P_TXP');
    await page.getByLabel('Value (optional)').fill('31');
    await page.getByRole('button', { name: 'Queue request' }).click();
    assert.equal(await waitForText(page.locator('.inline-form .form-status'), 'Queued P_TXP.'), 'Queued P_TXP.');
    const posted = api.requestsTo('POST', '/api/nodes/14/requests');
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]?.body, { name: 'P_TXP', value: '31' });
    assert.equal(await row('r-new').locator('td').nth(1).textContent(), '31');

    // The node wakes and confirms.
    peer.send({ type: 'request', request: { ...pendingRequest('r-new'), value: '31', state: 'ok', updatedAt: new Date().toISOString() } });
    assert.equal(await waitForText(row('r-new').locator('[data-field="request-state"]'), 'ok'), 'ok');

    await row('r-1').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await waitUntil(() => api.requestsTo('DELETE', '/api/requests/r-1').length === 1), true);
    peer.send({ type: 'request', request: { ...pendingRequest('r-1'), state: 'cancelled', updatedAt: new Date().toISOString() } });
    assert.equal(await waitForText(row('r-1').locator('[data-field="request-state"]'), 'cancelled'), 'cancelled');
    assert.equal(await row('r-1').getByRole('button', { name: 'Cancel' }).count(), 0);

    // A setting name that is too long never leaves the page.
    await page.getByLabel('Setting').fill('A_VERY_LONG_SETTING_NAME');
    assert.equal(await page.getByLabel('Setting').inputValue(), 'A_VERY_LONG_SETT');
    api.on('POST', '/api/nodes/14/requests', () => ({ status: 400, body: { error: { code: 'PROTOCOL_INVALID_REQUEST', message: 'unknown setting "A_VERY_LONG_SETT"' } } }));
    await page.getByRole('button', { name: 'Queue request' }).click();
    assert.equal(await waitForText(page.locator('.inline-form .form-status'), 'Not sent: unknown setting "A_VERY_LONG_SETT"'), 'Not sent: unknown setting "A_VERY_LONG_SETT"');
    const unexpected = problems.filter((problem) => !problem.includes('status of 400'));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('rename, hide and pin', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    const api = session.server.api;
    api.on('PATCH', '/api/nodes/14', (request) => {
      const body = nodeUpdateBody.parse(request.body);
      return { status: 200, body: { ...garageNode(), name: body.name ?? null, hidden: body.hidden ?? false, pinned: body.pinned ?? [] } };
    });
    peer.send(snapshot('operator', [garageNode()]));

    const name = page.getByLabel('Name', { exact: true });
    await name.fill('  <b>Workshop</b>  ');
    await page.getByLabel('Hide from the dashboard').check();
    await page.getByRole('region', { name: 'Manage' }).getByRole('checkbox', { name: 'humidity' }).check();
    await page.getByRole('button', { name: 'Save' }).click();

    assert.equal(await waitForText(page.locator('.stacked-form .form-status'), 'Saved.'), 'Saved.');
    const patched = api.requestsTo('PATCH', '/api/nodes/14');
    assert.deepEqual(patched[0]?.body, { name: '<b>Workshop</b>', hidden: true, pinned: ['humidity'] });
    assert.equal(await waitForText(page.locator('#node-page-title'), '<b>Workshop</b>'), '<b>Workshop</b>');
    assert.equal(await nodePage(page).locator('.badge').textContent(), 'Hidden');
    assert.equal(await page.getByRole('button', { name: /Delete node/ }).count(), 0);

    // Back on the dashboard the node is hidden until asked for, then shows its pinned metric.
    await page.getByRole('link', { name: '← Dashboard' }).click();
    await waitForText(page.locator('main .placeholder'), 'No node matches the filter.');
    await page.getByLabel(/Show hidden nodes/).check();
    assert.deepEqual(await nodeCard(page, 14).locator('tr[data-metric]').count(), 1);
    assert.equal(await nodeCard(page, 14).locator('tr[data-metric="humidity"] .metric-value').textContent(), '55 %');

    // An empty name goes back to "Node <id>"; a rejected change shows the hub's message.
    await nodeCard(page, 14).getByRole('link').click();
    api.on('PATCH', '/api/nodes/14', () => ({ status: 403, body: { error: { code: 'AUTH_FORBIDDEN', message: 'operators may not rename nodes here' } } }));
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    assert.equal(await waitForText(page.locator('.stacked-form .form-status'), 'Not saved: operators may not rename nodes here'), 'Not saved: operators may not rename nodes here');
    assert.deepEqual(api.requestsTo('PATCH', '/api/nodes/14').at(-1)?.body, { name: null, hidden: true, pinned: ['humidity'] });
    const unexpected = problems.filter((problem) => !problem.includes('status of 403'));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('admin deletes a node', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    const api = session.server.api;
    api.on('DELETE', '/api/nodes/14', () => ({ status: 204 }));
    peer.send(snapshot('admin', [garageNode(), sampleNode(3, 20)]));

    await page.getByRole('button', { name: 'Delete node…' }).click();
    assert.match((await page.locator('.danger-zone p').textContent()) ?? '', /Delete node 14 and all its history\?/);
    await page.getByRole('button', { name: 'Keep the node' }).click();
    assert.equal(api.requestsTo('DELETE', '/api/nodes/14').length, 0);

    await page.getByRole('button', { name: 'Delete node…' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await nodeCard(page, 3).waitFor();
    assert.equal(api.requestsTo('DELETE', '/api/nodes/14').length, 1);
    assert.equal(await nodeCard(page, 14).count(), 0);
    assert.equal(await page.evaluate('window.location.hash'), '#/');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('unknown node page says so', async () => {
  const { page, peer, problems } = await session.openPage('#/node/999');
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 20)]));
    assert.equal(await waitForText(page.locator('main .placeholder'), /does not know this node/), 'The hub does not know this node (it may have been deleted).');
    await page.evaluate('window.location.hash = "#/node/<script>"');
    assert.equal(await waitForText(page.locator('main .placeholder'), /There is no page at/), 'There is no page at /node/<script>. Open the dashboard.');
    assert.equal(await page.locator('main script').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('node page source stays small', async () => {
  // The chart chunk is built apart from the entry: the node page loads it only when a chart is drawn.
  const html = await readFile(join(artifactsDir, '..', 'dist', 'web', 'index.html'), 'utf8');
  assert.doesNotMatch(html, /chart-/);
});

void test('node events come from the log', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    peer.send(snapshot('operator', [garageNode(), sampleNode(3, 20)]));
    const subscribe = logSubscribeMessage.safeParse(await peer.nextMessage());
    assert.equal(subscribe.data?.enabled, true);
    const time = new Date().toISOString();
    peer.send({
      type: 'log',
      entries: [
        { time, gateway: 'radio', direction: 'in', kind: 'packet', nodeId: 14, text: '[14] STS:OPN SS:-55' },
        { time, gateway: 'radio', direction: 'in', kind: 'packet', nodeId: 3, text: '[3] C:20 SS:-60' },
        { time, gateway: 'radio', direction: 'out', kind: 'command', nodeId: 14, text: '14:<b>CLS</b>' },
      ],
    });

    const events = page.getByRole('region', { name: 'Recent events' }).locator('.log-text');
    assert.equal(await waitForText(events.first(), '14:<b>CLS</b>'), '14:<b>CLS</b>');
    assert.deepEqual(await events.allTextContents(), ['14:<b>CLS</b>', '[14] STS:OPN SS:-55']);
    assert.equal(await page.locator('body b').count(), 0);

    // The log page shares the subscription, so moving there sends nothing; leaving both ends it.
    await page.evaluate('window.location.hash = "#/log"');
    await waitForText(page.locator('#log-title'), 'Live log');
    await page.evaluate('window.location.hash = "#/"');
    const unsubscribe = logSubscribeMessage.safeParse(await peer.nextMessage());
    assert.equal(unsubscribe.data?.enabled, false);
    assert.equal(await peer.nextMessage(300).catch(() => null), null);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('viewer node page has no events', async () => {
  const { page, peer, problems } = await session.openPage('#/node/14');
  try {
    peer.send(snapshot('viewer', [garageNode()]));
    await waitForText(page.locator('#node-page-title'), 'Garage');
    assert.equal(await page.getByRole('region', { name: 'Recent events' }).count(), 0);
    assert.equal(await peer.nextMessage(300).catch(() => null), null);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
