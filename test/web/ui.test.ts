// Browser tests of the web UI: real headless Chromium (Debian's) against the built dist/web, served with
// the front's Content-Security-Policy, talking to a scripted hub over a real websocket.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { commandRequestMessage, nodeSchema } from '../../src/protocol/index.js';
import type { LinkStatus, Node, Role, ServerMessage } from '../../src/protocol/index.js';
import { UiServer } from './ui-server.js';
import type { HubPeer } from './ui-server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = join(repoRoot, 'dist', 'web');
const artifactsDir = join(repoRoot, 'test-artifacts');

/** Chromium flags for a quiet, offline headless run as root in a container. */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let server: UiServer;
let context: BrowserContext;
let userDataDir: string;
/** Console errors, page errors, dialogs and CSP violations, per page. */
const problemsByPage = new WeakMap<Page, string[]>();

/** Builds dist/web when it is missing. `npm test` builds it anyway before running the tests. */
async function ensureBuilt(): Promise<void> {
  try {
    await access(join(distDir, 'index.html'));
  } catch {
    const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build'], { cwd: repoRoot, timeout: 60_000 });
  }
}

before(async () => {
  await ensureBuilt();
  await mkdir(artifactsDir, { recursive: true });
  server = new UiServer(distDir);
  await server.listen();

  userDataDir = await mkdtemp(join(tmpdir(), 'gatehouse-ui-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(5000);
  await context.exposeBinding('reportCspViolation', ({ page }, text: unknown) => {
    problemsByPage.get(page)?.push(`CSP violation: ${String(text)}`);
  });
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI);
    });`,
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir !== undefined) {
    await rm(userDataDir, { recursive: true, force: true });
  }
});

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

function secondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

function openLink(): LinkStatus {
  return {
    gateway: 'radio',
    dialect: 'moteino',
    warning: null,
    state: 'open',
    port: '/dev/ttyUSB0',
    since: minutesAgo(5),
    reason: null,
    retryInMs: null,
    linesRead: 42,
    dropped: {},
  };
}

function sampleNode(id: number, temperature: number | string): Node {
  return nodeSchema.parse({
    id,
    lastSeen: secondsAgo(12),
    rssi: -67,
    packets: 10,
    metrics: {
      temperature: { value: temperature, unit: '°C', time: secondsAgo(12) },
      battery: { value: 3.1, unit: 'V', time: minutesAgo(3) },
    },
  });
}

function snapshot(role: Role, nodes: Node[], name = 'alice'): ServerMessage {
  return { type: 'snapshot', user: { name, role }, links: [openLink()], nodes, requests: [] };
}

interface OpenedPage {
  page: Page;
  peer: HubPeer;
  problems: string[];
}

/** Opens the UI in a new tab and returns it with the hub's end of its websocket. */
async function openPage(): Promise<OpenedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  problemsByPage.set(page, problems);
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => {
    problems.push(`page error: ${error.message}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(server.url);
  const peer = await server.hub.nextPeer();
  return { page, peer, problems };
}

type TextCheck = string | RegExp | ((text: string) => boolean);

function textMatches(text: string, expected: TextCheck): boolean {
  if (typeof expected === 'string') {
    return text === expected;
  }
  return expected instanceof RegExp ? expected.test(text) : expected(text);
}

/** Polls the text of `locator` until it matches `expected` or the time runs out, and returns the last text read. */
async function waitForText(locator: Locator, expected: TextCheck, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (textMatches(text, expected) || Date.now() >= deadline) {
      return text;
    }
    await delay(50);
  }
}

function banner(page: Page): Locator {
  return page.locator('.banners [role="status"]');
}

function nodeCard(page: Page, id: number): Locator {
  return page.getByRole('article', { name: `Node ${id}`, exact: true });
}

function metricValue(page: Page, id: number, metric: string): Locator {
  return nodeCard(page, id).locator(`tr[data-metric="${metric}"] .metric-value`);
}

void test('snapshot shows nodes and user', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5), sampleNode(7, 19)]));

    assert.equal(await waitForText(metricValue(page, 3, 'temperature'), '21.5 °C'), '21.5 °C');
    assert.equal(await metricValue(page, 7, 'temperature').textContent(), '19 °C');
    assert.equal(await page.locator('.user-name').textContent(), 'alice');
    assert.equal(await page.locator('.role').textContent(), 'operator');
    assert.equal(await nodeCard(page, 3).locator('[data-field="rssi"]').textContent(), '-67 dBm');
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

void test('node update changes value', async () => {
  const { page, peer, problems } = await openPage();
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

void test('new node appears from update', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(7, 19)]));
    await waitForText(metricValue(page, 7, 'temperature'), '19 °C');

    peer.send({ type: 'node', node: sampleNode(2, 'open') });

    assert.equal(await waitForText(metricValue(page, 2, 'temperature'), 'open °C'), 'open °C');
    const titles = await page.locator('article.node h3').allTextContents();
    assert.deepEqual(titles, ['Node 2', 'Node 7']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('link state shows reason and retry', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 21.5)]));
    await waitForText(page.locator('[data-field="link-state"]'), 'open');

    peer.send({
      type: 'link',
      link: {
        ...openLink(),
        state: 'closed',
        since: secondsAgo(1),
        reason: 'serial port /dev/ttyUSB0 disappeared',
        retryInMs: 5000,
        dropped: { malformed: 3, overlong: 1 },
      },
    });

    assert.equal(await waitForText(page.locator('[data-field="link-state"]'), 'closed'), 'closed');
    assert.equal(await page.locator('[data-field="link-reason"]').textContent(), 'serial port /dev/ttyUSB0 disappeared');
    assert.match((await page.locator('[data-field="link-retry"]').textContent()) ?? '', /^in [45] s$/);
    assert.equal(await page.locator('[data-field="link-dropped"]').textContent(), '3 malformed, 1 overlong');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('markup from the hub stays text', async () => {
  const { page, peer, problems } = await openPage();
  try {
    const node = sampleNode(9, '<img src=x onerror=alert(1)>');
    node.metrics['<b>bold</b>'] = { value: '<script>alert(2)</script>', unit: '<i>u</i>', time: secondsAgo(1) };
    peer.send(snapshot('operator', [node], '<em>mallory</em>'));

    const imageValue = metricValue(page, 9, 'temperature');
    assert.equal(await waitForText(imageValue, '<img src=x onerror=alert(1)> °C'), '<img src=x onerror=alert(1)> °C');
    const boldRow = nodeCard(page, 9).locator('tbody tr').filter({ hasText: '<b>bold</b>' });
    assert.equal(await boldRow.locator('th').textContent(), '<b>bold</b>');
    assert.equal(await boldRow.locator('.metric-value').textContent(), '<script>alert(2)</script> <i>u</i>');
    assert.equal(await page.locator('.user-name').textContent(), '<em>mallory</em>');

    peer.send({ type: 'error', id: null, error: { code: 'HUB_<u>X</u>', message: '<img src=y onerror=alert(3)>' } });
    const alert = page.getByRole('alert');
    assert.match(await waitForText(alert, /onerror=alert\(3\)/), /<img src=y onerror=alert\(3\)>/);

    assert.equal(await page.locator('body img').count(), 0);
    assert.equal(await page.locator('body b').count(), 0);
    assert.equal(await page.locator('body i').count(), 0);
    assert.equal(await page.locator('body em').count(), 0);
    assert.equal(await page.locator('body u').count(), 0);
    assert.equal(await page.locator('body script').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('operator command gets a reply', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5)]));
    const card = nodeCard(page, 3);
    const input = card.getByLabel('Command to node 3');
    await input.fill('OPN');
    await card.getByRole('button', { name: 'Send' }).click();

    const parsed = commandRequestMessage.safeParse(await peer.nextMessage());
    assert.equal(parsed.success, true);
    assert.equal(parsed.data?.nodeId, 3);
    assert.equal(parsed.data?.payload, 'OPN');
    const id = parsed.data?.id ?? '';
    const status = card.locator('output');
    assert.equal(await waitForText(status, 'Sending "OPN"…'), 'Sending "OPN"…');

    peer.send({
      type: 'reply',
      id,
      command: { id, nodeId: 3, payload: 'OPN', state: 'sent', time: new Date().toISOString() },
    });
    assert.equal(await waitForText(status, 'Sent "OPN".'), 'Sent "OPN".');

    // The second command goes by keyboard: Enter in the text box submits the form.
    await input.fill('BAD');
    await input.press('Enter');
    const second = commandRequestMessage.safeParse(await peer.nextMessage());
    assert.equal(second.success, true);
    assert.equal(second.data?.payload, 'BAD');
    assert.notEqual(second.data?.id, id);

    peer.send({
      type: 'error',
      id: second.data?.id ?? '',
      error: { code: 'PROTOCOL_INVALID_COMMAND', message: 'The moteino dialect has no command "BAD".' },
    });
    const expected = 'Not sent: The moteino dialect has no command "BAD".';
    assert.equal(await waitForText(status, expected), expected);
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('viewer sees no command form', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 21.5), sampleNode(7, 19)], 'bob'));
    await waitForText(metricValue(page, 7, 'temperature'), '19 °C');

    assert.equal(await page.locator('.role').textContent(), 'viewer');
    assert.equal(await page.locator('form').count(), 0);
    assert.equal(await page.getByRole('textbox').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('reconnects after hub restart', async () => {
  const { page, peer, problems } = await openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 21.5)]));
    const card = nodeCard(page, 3);
    await card.getByLabel('Command to node 3').fill('OPN');
    await card.getByRole('button', { name: 'Send' }).click();
    await peer.nextMessage();

    // Down for 1.5 s: the first retry (after 1 s) gets a 503, the second (2 s later) reaches the hub.
    await server.hub.stop();
    assert.match(await waitForText(banner(page), /^Connection to the hub lost\. Reconnecting in \d+ s\./), /Reconnecting in [12] s/);
    const lost = 'Not sent: The connection closed before the hub replied; the command may or may not have been sent.';
    assert.equal(await waitForText(card.locator('output'), lost), lost);
    await delay(1500);
    server.hub.start();

    const second = await server.hub.nextPeer(8000);
    second.send(snapshot('operator', [sampleNode(42, 5)]));

    assert.equal(await waitForText(metricValue(page, 42, 'temperature'), '5 °C'), '5 °C');
    assert.equal(await nodeCard(page, 3).count(), 0);
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');
    // Chromium logs each refused handshake as a console error, which this test expects.
    const unexpected = problems.filter((problem) => !/WebSocket connection to .* failed/.test(problem));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('invalid messages are dropped', async () => {
  const { page, peer, problems } = await openPage();
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
      Buffer.from([0xff, 0x00, 0x01]),
    ];
    for (const message of invalid) {
      peer.sendRaw(message);
    }
    peer.send({ type: 'node', node: sampleNode(3, 22) });

    assert.equal(await waitForText(metricValue(page, 3, 'temperature'), '22 °C'), '22 °C');
    const dropped = page.locator('[data-field="page-dropped"]');
    assert.equal(await dropped.textContent(), '8 (1 not JSON, 7 of unknown shape)');
    assert.equal(await waitForText(banner(page), 'Connected to the hub.'), 'Connected to the hub.');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('layout fits phone and desktop', async () => {
  const { page, peer, problems } = await openPage();
  try {
    const nodes = [sampleNode(3, 21.5), sampleNode(7, 19), sampleNode(12, 'open'), sampleNode(1023, 1013.25)];
    const longNode = nodes[3];
    if (longNode !== undefined) {
      longNode.metrics['barometric_pressure_at_sea_level'] = { value: 1013.25, unit: 'hPa', time: secondsAgo(40) };
      longNode.rssi = null;
    }
    peer.send(snapshot('operator', nodes, 'alice'));
    peer.send({
      type: 'link',
      link: { ...openLink(), state: 'closed', reason: 'serial port disappeared', retryInMs: 8000, dropped: { malformed: 2 } },
    });
    await waitForText(page.locator('[data-field="link-state"]'), 'closed');

    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(artifactsDir, 'ui-phone.png'), fullPage: true });

    await page.setViewportSize({ width: 320, height: 740 });
    // A string, because this file is type-checked against Node's globals, not the DOM's.
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    assert.equal(overflow, 0);

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
