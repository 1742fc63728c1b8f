// Browser tests of the dashboard, the connection banner and the page shell: real headless Chromium
// against the built dist/web, served with the front's Content-Security-Policy, talking to a scripted hub.
import assert from 'node:assert/strict';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { cacheControlFor } from '../../src/front/static-cache.js';
import {
  artifactsDir,
  banner,
  distDir,
  horizontalOverflow,
  metricValue,
  minutesAgo,
  nodeCard,
  openLink,
  pageMetricValue,
  sampleNode,
  secondsAgo,
  snapshot,
  UiSession,
  waitForText,
} from './ui-harness.js';

let session: UiSession;

/** Returns the data-metric attribute of each row, run in the page. */
function metricNamesOf(rows: unknown[]): string[] {
  return rows.map((row) => (row as { dataset: { metric: string } }).dataset.metric);
}

before(async () => {
  session = await UiSession.start();
});

after(async () => {
  await session?.close();
});

void test('snapshot shows nodes and user', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5), sampleNode(7, 19)]));

    assert.equal(await waitForText(metricValue(page, 3, 'temperature'), '21.5 °C'), '21.5 °C');
    assert.equal(await metricValue(page, 7, 'temperature').textContent(), '19 °C');
    assert.equal(await nodeCard(page, 3).locator('h3').textContent(), 'Node 3');
    assert.equal(await page.locator('.user-name').textContent(), 'alice');
    assert.equal(await page.locator('.role').textContent(), 'operator');
    assert.equal(await nodeCard(page, 3).locator('[data-field="rssi"]').textContent(), '-67 dBm');
    assert.equal(await nodeCard(page, 3).locator('[data-field="battery"]').textContent(), '3.1 V');
    assert.equal(await page.locator('[data-field="link-state"]').textContent(), 'open');
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');

    const lastSeen = nodeCard(page, 3).locator('[data-field="last-seen"]');
    const firstAge = await lastSeen.textContent();
    assert.match(firstAge ?? '', /^\d+ s ago$/);
    const laterAge = await waitForText(lastSeen, (text) => text !== firstAge);
    assert.match(laterAge, /^\d+ s ago$/);
    assert.notEqual(laterAge, firstAge);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('card shows name, kind and state', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const garage = sampleNode(14, 18, { name: 'Garage door', type: 'GarageMote', batteryLow: true });
    garage.metrics['state'] = { value: 'CLOSED', unit: null, time: secondsAgo(30) };
    const sleepy = sampleNode(21, 5, { offline: true, lastSeen: minutesAgo(180) });
    peer.send(snapshot('viewer', [garage, sleepy]));

    const card = nodeCard(page, 14);
    assert.equal(await waitForText(card.locator('h3'), 'Garage door'), 'Garage door');
    assert.equal(await card.locator('.node-subtitle').textContent(), 'Node 14 · GarageMote');
    assert.match((await card.locator('img.kind-icon').getAttribute('src')) ?? '', /\/assets\/garage-[\w-]+\.svg$/);
    assert.equal(await card.locator('[data-field="battery"]').textContent(), '3.1 V (low)');
    assert.equal(await card.locator('.badge').count(), 0);

    const offline = nodeCard(page, 21);
    assert.equal(await offline.getAttribute('class'), 'node node-offline');
    assert.equal(await offline.locator('.badge').textContent(), 'Offline');
    assert.equal(await offline.locator('[data-field="last-seen"]').textContent(), '3 h ago');
    assert.match((await offline.locator('img.kind-icon').getAttribute('src')) ?? '', /\/assets\/generic-[\w-]+\.svg$/);
    // The kind icon loads as a file from 'self', which the CSP allows.
    const loaded = await card.locator('img.kind-icon').evaluate((image) => {
      const { complete, naturalWidth } = image as unknown as { complete: boolean; naturalWidth: number };
      return complete && naturalWidth > 0;
    });
    assert.equal(loaded, true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('pinned metrics replace the defaults', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const weather = sampleNode(5, 20, { pinned: ['pressure', 'missing'] });
    weather.metrics['humidity'] = { value: 40, unit: '%', time: secondsAgo(5) };
    weather.metrics['pressure'] = { value: 1013, unit: 'hPa', time: secondsAgo(5) };
    weather.metrics['dewPoint'] = { value: 8, unit: '°C', time: secondsAgo(5) };
    weather.metrics['uv'] = { value: 2, unit: null, time: secondsAgo(5) };
    const plain = sampleNode(6, 20);
    plain.metrics = { ...weather.metrics };
    peer.send(snapshot('viewer', [weather, plain]));

    await waitForText(metricValue(page, 5, 'pressure'), '1013 hPa');
    const pinnedRows = await nodeCard(page, 5).locator('tr[data-metric]').evaluateAll(metricNamesOf);
    assert.deepEqual(pinnedRows, ['pressure']);
    // Without pins: the first four by name, battery left to its own field.
    const defaultRows = await nodeCard(page, 6).locator('tr[data-metric]').evaluateAll(metricNamesOf);
    assert.deepEqual(defaultRows, ['dewPoint', 'humidity', 'pressure', 'temperature']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('filter, sort and hidden toggle', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(
      snapshot('viewer', [
        sampleNode(3, 1, { name: 'Kitchen', rssi: -80, lastSeen: minutesAgo(10) }),
        sampleNode(7, 2, { name: 'Attic', rssi: -40, lastSeen: minutesAgo(1) }),
        sampleNode(9, 3, { name: 'Basement', hidden: true, rssi: -60, lastSeen: minutesAgo(5) }),
        sampleNode(12, 4, { rssi: null, type: 'WaterMeter' }),
      ]),
    );
    const titles = page.locator('article.node h3');
    await waitForText(nodeCard(page, 12).locator('h3'), 'Node 12');
    assert.deepEqual(await titles.allTextContents(), ['Kitchen', 'Attic', 'Node 12']);

    const sort = page.getByLabel('Sort by');
    await sort.selectOption('name');
    assert.deepEqual(await titles.allTextContents(), ['Attic', 'Kitchen', 'Node 12']);
    await sort.selectOption('rssi');
    assert.deepEqual(await titles.allTextContents(), ['Attic', 'Kitchen', 'Node 12']);
    await sort.selectOption('lastSeen');
    assert.deepEqual(await titles.allTextContents(), ['Node 12', 'Attic', 'Kitchen']);

    const toggle = page.getByLabel(/Show hidden nodes/);
    assert.equal(await toggle.locator('..').textContent(), 'Show hidden nodes (1)');
    await toggle.check();
    assert.deepEqual(await titles.allTextContents(), ['Node 12', 'Attic', 'Basement', 'Kitchen']);
    assert.equal(await nodeCard(page, 9).locator('.badge').textContent(), 'Hidden');

    const filter = page.getByLabel('Filter');
    await filter.fill('water');
    assert.deepEqual(await titles.allTextContents(), ['Node 12']);
    await filter.fill('BASE');
    assert.deepEqual(await titles.allTextContents(), ['Basement']);
    await filter.fill('7');
    assert.deepEqual(await titles.allTextContents(), ['Attic']);
    await filter.fill('no such node');
    assert.equal(await page.locator('main .placeholder').textContent(), 'No node matches the filter.');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('node update changes value', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 21.5), sampleNode(7, 19)]));
    await waitForText(metricValue(page, 3, 'temperature'), '21.5 °C');
    // An expando property survives only if preact keeps the element instead of re-creating it.
    await nodeCard(page, 7).evaluate((element) => {
      Object.assign(element, { keptAcrossUpdate: true });
    });

    peer.send({ type: 'node', node: { ...sampleNode(3, 23.25), rssi: -80 } });

    assert.equal(await waitForText(metricValue(page, 3, 'temperature'), '23.25 °C'), '23.25 °C');
    assert.equal(await nodeCard(page, 3).locator('[data-field="rssi"]').textContent(), '-80 dBm');
    assert.equal(await metricValue(page, 7, 'temperature').textContent(), '19 °C');
    const kept = await nodeCard(page, 7).evaluate((element) => 'keptAcrossUpdate' in element);
    assert.equal(kept, true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('new node appears, removed one goes', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(7, 19)]));
    await waitForText(metricValue(page, 7, 'temperature'), '19 °C');

    peer.send({ type: 'node', node: sampleNode(2, 'open') });

    assert.equal(await waitForText(metricValue(page, 2, 'temperature'), 'open °C'), 'open °C');
    assert.deepEqual(await page.locator('article.node h3').allTextContents(), ['Node 2', 'Node 7']);

    peer.send({ type: 'nodeRemoved', nodeId: 7 });
    assert.equal(await waitForText(page.locator('article.node h3'), 'Node 2'), 'Node 2');
    assert.equal(await nodeCard(page, 7).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('one link panel per gateway', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const attic = { ...openLink('attic'), dialect: 'mysensors', port: '/dev/ttyACM0' };
    peer.send(snapshot('viewer', [sampleNode(3, 21.5)], 'alice', [], [openLink(), attic]));
    const radioPanel = page.locator('.link-panel[data-gateway="radio"]');
    const atticPanel = page.locator('.link-panel[data-gateway="attic"]');
    await waitForText(atticPanel.locator('[data-field="link-state"]'), 'open');
    assert.equal(await atticPanel.locator('h3').textContent(), 'Radio gateway attic');
    assert.equal(await atticPanel.locator('code').textContent(), '/dev/ttyACM0');

    peer.send({
      type: 'link',
      link: {
        ...attic,
        state: 'closed',
        since: secondsAgo(1),
        reason: 'serial port /dev/ttyACM0 disappeared',
        retryInMs: 5000,
        dropped: { malformed: 3, overlong: 1 },
      },
    });
    peer.send({ type: 'link', link: { ...openLink(), warning: 'Only garbled lines for 30 s: check the baud rate (115200 expected).', linesRead: 50 } });

    assert.equal(await waitForText(atticPanel.locator('[data-field="link-state"]'), 'closed'), 'closed');
    assert.equal(await atticPanel.locator('[data-field="link-reason"]').textContent(), 'serial port /dev/ttyACM0 disappeared');
    assert.match((await atticPanel.locator('[data-field="link-retry"]').textContent()) ?? '', /^in [45] s$/);
    assert.equal(await atticPanel.locator('[data-field="link-dropped"]').textContent(), '3 malformed, 1 overlong');
    assert.equal(await waitForText(radioPanel.locator('[data-field="link-lines"]'), '50'), '50');
    assert.equal(await radioPanel.locator('[data-field="link-warning"]').textContent(), 'Only garbled lines for 30 s: check the baud rate (115200 expected).');
    assert.equal(await radioPanel.locator('[data-field="link-state"]').textContent(), 'open');
    assert.equal(await page.locator('.link-panel').count(), 2);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('markup from the hub stays text', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const node = sampleNode(9, '<img src=x onerror=alert(1)>', { name: '<b>Boiler</b>', kind: '<i>kind</i>', type: '<i>Type</i>' });
    node.metrics['<b>bold</b>'] = { value: '<script>alert(2)</script>', unit: '<i>u</i>', time: secondsAgo(1) };
    const warningLink = { ...openLink('<u>gw</u>'), warning: '<img src=z onerror=alert(4)>' };
    peer.send(snapshot('operator', [node], '<em>mallory</em>', [], [warningLink]));

    const imageValue = metricValue(page, 9, 'temperature');
    assert.equal(await waitForText(imageValue, '<img src=x onerror=alert(1)> °C'), '<img src=x onerror=alert(1)> °C');
    const boldRow = nodeCard(page, 9).locator('tbody tr').filter({ hasText: '<b>bold</b>' });
    assert.equal(await boldRow.locator('th').textContent(), '<b>bold</b>');
    assert.equal(await boldRow.locator('.metric-value').textContent(), '<script>alert(2)</script> <i>u</i>');
    assert.equal(await nodeCard(page, 9).locator('h3').textContent(), '<b>Boiler</b>');
    assert.equal(await nodeCard(page, 9).locator('.node-subtitle').textContent(), 'Node 9 · <i>Type</i>');
    assert.equal(await page.locator('.user-name').textContent(), '<em>mallory</em>');
    assert.equal(await page.locator('.gateway-name').textContent(), '<u>gw</u>');
    assert.equal(await page.locator('[data-field="link-warning"]').textContent(), '<img src=z onerror=alert(4)>');

    peer.send({ type: 'error', id: null, error: { code: 'HUB_<u>X</u>', message: '<img src=y onerror=alert(3)>' } });
    const alert = page.locator('.banner-error');
    assert.match(await waitForText(alert, /onerror=alert\(3\)/), /<img src=y onerror=alert\(3\)>/);

    // The node page shows the same texts in more places.
    await nodeCard(page, 9).getByRole('link').click();
    assert.equal(await waitForText(page.locator('#node-page-title'), '<b>Boiler</b>'), '<b>Boiler</b>');
    assert.equal(await pageMetricValue(page, '<b>bold</b>').textContent(), '<script>alert(2)</script> <i>u</i>');

    for (const tag of ['img:not(.kind-icon)', 'b', 'i', 'em', 'u', 'script']) {
      assert.equal(await page.locator(`body ${tag}`).count(), 0, tag);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('viewer sees no command controls', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const garage = sampleNode(14, 18, { type: 'GarageMote' });
    peer.send(snapshot('viewer', [garage, sampleNode(7, 19)], 'bob'));
    await waitForText(metricValue(page, 7, 'temperature'), '19 °C');

    assert.equal(await page.locator('.role').textContent(), 'viewer');
    assert.equal(await page.getByRole('link', { name: 'Live log' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Settings' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0);

    await nodeCard(page, 14).getByRole('link').click();
    await waitForText(page.locator('#node-page-title'), 'Node 14');
    assert.equal(await page.locator('form').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Open' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Controls' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Manage' }).count(), 0);
    assert.deepEqual(problems.filter((problem) => !problem.includes('404')), []);
  } finally {
    await page.close();
  }
});

void test('reconnects and re-syncs after hub restart', async () => {
  const { page, peer, problems } = await session.openPage('#/node/3');
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5)]));
    const input = page.getByLabel('Command to node 3');
    await input.fill('OPN');
    await page.getByRole('button', { name: 'Send' }).click();
    await peer.nextMessage();

    // Down for 1.5 s: the first retry (after 1 s) gets a 503, the second (2 s later) reaches the hub.
    await session.server.hub.stop();
    assert.match(await waitForText(banner(page), /^Connection to the hub lost\. Reconnecting in \d+ s\./), /Reconnecting in [12] s/);
    const lost = 'Not sent: The connection closed before the hub replied; the command may or may not have been sent.';
    assert.equal(await waitForText(page.locator('.command output'), lost), lost);
    await delay(1500);
    session.server.hub.start();

    const second = await session.server.hub.nextPeer(8000);
    second.send(snapshot('operator', [sampleNode(3, 30), sampleNode(42, 5)]));
    assert.equal(await waitForText(pageMetricValue(page, 'temperature'), '30 °C'), '30 °C');
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');

    // A fresh snapshot replaces everything: a node missing from it is gone from the page too.
    second.socket.close(1012, 'hub restarting');
    const third = await session.server.hub.nextPeer(8000);
    third.send(snapshot('operator', [sampleNode(42, 5)]));
    assert.equal(await waitForText(page.locator('main .placeholder'), /does not know this node/), 'The hub does not know this node (it may have been deleted).');
    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    assert.equal(await waitForText(metricValue(page, 42, 'temperature'), '5 °C'), '5 °C');
    assert.equal(await nodeCard(page, 3).count(), 0);
    // Chromium logs each refused handshake and each 502 health check as a console error, which this test expects.
    const unexpected = problems.filter((problem) => !/WebSocket connection to .* failed|status of 502/.test(problem));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('blocked websocket is named', async () => {
  session.server.blockWebsockets = true;
  const page = await session.openBlankPage();
  try {
    await page.goto(session.server.url);
    // The first handshake and the retry after 1 s both fail while /api/health works.
    const text = await waitForText(banner(page), /^The realtime channel is blocked/, 8000);
    assert.match(text, /a proxy or firewall between this browser and Gatehouse probably does not pass websockets/i);
    assert.match(text, /Next try in \d+ s\./);

    session.server.blockWebsockets = false;
    await page.getByRole('button', { name: 'Try now' }).click();
    const peer = await session.server.hub.nextPeer(8000);
    peer.send(snapshot('viewer', [sampleNode(3, 21.5)]));
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');
  } finally {
    session.server.blockWebsockets = false;
    await page.close();
  }
});

void test('invalid messages are dropped', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 21.5)]));
    await waitForText(metricValue(page, 3, 'temperature'), '21.5 °C');

    const invalid: (string | Buffer)[] = [
      'not json {',
      '{"type":"node"}',
      '{"type":"bogus"}',
      '[]',
      'null',
      JSON.stringify({ type: 'node', node: { ...sampleNode(3, 99), id: 'x' } }),
      JSON.stringify({ type: 'node', node: { ...sampleNode(3, 99), metrics: { t: { value: { nested: 1 }, unit: null, time: 'now' } } } }),
      JSON.stringify({ type: 'request', request: { id: 'r1' } }),
      JSON.stringify({ type: 'log', entries: [{ text: 1 }] }),
      Buffer.from([0xff, 0x00, 0x01]),
    ];
    for (const message of invalid) {
      peer.sendRaw(message);
    }
    peer.send({ type: 'node', node: sampleNode(3, 22) });

    assert.equal(await waitForText(metricValue(page, 3, 'temperature'), '22 °C'), '22 °C');
    const dropped = page.locator('[data-field="page-dropped"]');
    assert.equal(await dropped.textContent(), '10 (1 not JSON, 9 of unknown shape)');
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('theme toggle and keyboard use', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5, { name: 'Porch' })]));
    await waitForText(metricValue(page, 3, 'temperature'), '21.5 °C');

    // Keyboard only: the skip link comes first, and Tab reaches the card's link, which Enter follows.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    let reached = false;
    for (let step = 0; step < 25 && !reached; step += 1) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement.textContent')) === 'Porch';
    }
    assert.equal(reached, true);
    await page.keyboard.press('Enter');
    assert.equal(await waitForText(page.locator('#node-page-title'), 'Porch'), 'Porch');

    const background = async (): Promise<string> => String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    assert.notEqual(light, dark);

    const toggle = page.locator('.theme-toggle');
    assert.equal(await toggle.textContent(), 'Theme: system');
    await toggle.click();
    assert.equal(await toggle.textContent(), 'Theme: light');
    assert.equal(await background(), light);
    await toggle.click();
    assert.equal(await toggle.textContent(), 'Theme: dark');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(await background(), dark);
    // The choice survives a reload.
    await page.reload();
    (await session.server.hub.nextPeer()).send(snapshot('operator', [sampleNode(3, 21.5, { name: 'Porch' })]));
    assert.equal(await waitForText(page.locator('.theme-toggle'), 'Theme: dark'), 'Theme: dark');
    await page.locator('.theme-toggle').click();
    assert.equal(await page.locator('.theme-toggle').textContent(), 'Theme: system');

    assert.deepEqual(problems.filter((problem) => !problem.includes('404')), []);
  } finally {
    await page.close();
  }
});

void test('layout fits phone and desktop', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    const nodes = [
      sampleNode(3, 21.5, { name: 'Living room', type: 'WeatherMote' }),
      sampleNode(7, 19, { type: 'MotionMote' }),
      sampleNode(12, 'open', { type: 'GarageMote', name: 'Garage door' }),
      sampleNode(1023, 1013.25, { offline: true, batteryLow: true }),
    ];
    const longNode = nodes[3];
    if (longNode !== undefined) {
      longNode.metrics['barometric_pressure_at_sea_level'] = { value: 1013.25, unit: 'hPa', time: secondsAgo(40) };
      longNode.rssi = null;
    }
    peer.send(snapshot('operator', nodes, 'alice', [], [openLink(), openLink('attic')]));
    peer.send({
      type: 'link',
      link: { ...openLink('attic'), state: 'closed', reason: 'serial port disappeared', retryInMs: 8000, dropped: { malformed: 2 } },
    });
    await waitForText(page.locator('.link-panel[data-gateway="attic"] [data-field="link-state"]'), 'closed');

    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(artifactsDir, 'ui-phone.png'), fullPage: true });

    await page.setViewportSize({ width: 320, height: 740 });
    assert.equal(await horizontalOverflow(page), 0);

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(artifactsDir, 'ui-desktop.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(artifactsDir, 'ui-desktop-dark.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('built page has no inline code', async () => {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length > 0);
  for (const [, body] of scripts) {
    assert.equal(body?.trim(), '');
  }
  for (const [tag] of scripts) {
    assert.match(tag, /\ssrc="\/assets\/[^"]+-[\w-]+\.js"/);
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle=/i);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
});

void test('manifest and icons are files', async () => {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest"/);
  assert.doesNotMatch(html, /href="data:/);
  const manifest = JSON.parse(await readFile(join(distDir, 'manifest.webmanifest'), 'utf8')) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string }[] };
  assert.equal(manifest.name, 'Gatehouse');
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  const sizes = manifest.icons.map((icon) => icon.sizes);
  assert.ok(sizes.includes('192x192'));
  assert.ok(sizes.includes('512x512'));
  for (const icon of manifest.icons) {
    const bytes = await readFile(join(distDir, icon.src));
    assert.ok(bytes.length > 100, icon.src);
    if (icon.src.endsWith('.png')) {
      // PNG signature, then the IHDR width and height.
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', icon.src);
      const [width] = icon.sizes.split('x');
      assert.equal(bytes.readUInt32BE(16), Number(width), icon.src);
    }
  }
});

void test('first load leaves uPlot out', async () => {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const entry = /src="\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
  assert.ok(entry !== undefined);
  const code = await readFile(join(distDir, entry), 'utf8');
  // uPlot's own class names appear only in its chunk, which the node page imports on demand.
  assert.doesNotMatch(code, /u-legend/);
  assert.doesNotMatch(html, /modulepreload[^>]*chart/);
});

void test('built files get cache headers', async () => {
  // Every file Vite writes under assets/ carries a content hash, so each must be cached for a year,
  // and every fixed name must be revalidated. A change in Vite's naming would break one of the two.
  const assets = await readdir(join(distDir, 'assets'));
  assert.ok(assets.length > 2);
  for (const file of assets) {
    assert.equal(cacheControlFor(`assets/${file}`), 'public, max-age=31536000, immutable', file);
  }
  for (const file of ['index.html', 'manifest.webmanifest', 'icons/icon-192.png', 'icons/icon-512.png', 'icons/icon.svg']) {
    await access(join(distDir, file));
    assert.equal(cacheControlFor(file), 'no-cache', file);
  }
});
