// End-to-end tests of the web UI: headless Chromium logs in to the real front over TLS, and the real
// hub reads node lines from a socat pseudo-terminal standing in for the radio gateway. Run
// `npm run build` first, because the stack starts the built CLI and the front serves dist/web.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { Stack, users } from '../support/stack.js';
import type { Credentials } from '../support/stack.js';
import { launchChromium, openUserPage, waitForText } from './browser.js';
import type { UserPage } from './browser.js';

const artifactsDir = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The phone and desktop sizes of the screenshots (CSS pixels). */
const screenshotSizes = {
  phone: { width: 375, height: 740 },
  desktop: { width: 1280, height: 800 },
};

/** Horizontal overflow of the page in CSS pixels; 0 when nothing sticks out. */
async function horizontalOverflow(page: Page): Promise<number> {
  // A string, because this file is type-checked against Node's globals, not the DOM's.
  return Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
}

let stack: Stack;
let browser: Browser;

before(async () => {
  await mkdir(artifactsDir, { recursive: true });
  stack = await Stack.start();
  await stack.hub?.waitForLine(/"state":"open"/);
  browser = await launchChromium(stack.ca);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Drops the console errors that Chromium logs for the node page's history and requests calls.
 * NOTE: the hub on this branch has no history or requests routes yet, so these calls get 404 and the
 * page states that the hub does not offer them.
 */
function withoutMissingRoutes(problems: string[]): string[] {
  return problems.filter((problem) => problem !== 'console error: Failed to load resource: the server responded with a status of 404 (Not Found)');
}

/** Opens the dashboard as `user` and waits until the hub's snapshot has arrived. */
async function openDashboard(user: Credentials): Promise<UserPage> {
  const opened = await openUserPage(browser, stack.origin, user);
  await waitForText(banner(opened.page), 'Connected to the hub.');
  await waitForText(linkState(opened.page), 'open');
  return opened;
}

function banner(page: Page): Locator {
  return page.locator('.banners [role="status"]');
}

function linkState(page: Page): Locator {
  return page.locator('[data-field="link-state"]');
}

function nodeCard(page: Page, id: number): Locator {
  return page.locator(`article.node[data-node-id="${id}"]`);
}

function nodePageMetric(page: Page, metric: string): Locator {
  return page.locator(`article.node-page tr[data-metric="${metric}"] .metric-value`);
}

/** Opens the node page from the node's card and waits for its title. */
async function openNodePage(page: Page, id: number): Promise<void> {
  await nodeCard(page, id).getByRole('link').click();
  await waitForText(page.locator('#node-page-title'), /./);
}

function metricValue(page: Page, id: number, metric: string): Locator {
  return nodeCard(page, id).locator(`tr[data-metric="${metric}"] .metric-value`);
}

/** Returns the value (`dd`) of the fact named `term` (`dt`) on a node card, such as "Packets". */
function nodeFact(page: Page, id: number, term: string): Locator {
  return nodeCard(page, id)
    .locator('.node-facts > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) })
    .locator('dd');
}

test('operator sees live node updates', async () => {
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    assert.equal(await page.locator('.user-name').textContent(), 'olivia');
    assert.equal(await page.locator('.role').textContent(), 'operator');
    assert.equal(await linkState(page).textContent(), 'open');
    assert.equal(await nodeCard(page, 11).count(), 0);

    await stack.radio.write('[11] MOTION BAT:3.27v SS:-64\n');

    assert.equal(await waitForText(nodeFact(page, 11, 'Battery'), '3.27 V'), '3.27 V');
    assert.equal(await metricValue(page, 11, 'motion').textContent(), '1');
    assert.equal(await nodeFact(page, 11, 'RSSI').textContent(), '-64 dBm');
    assert.equal(await nodeFact(page, 11, 'Packets').textContent(), '1');

    await stack.radio.write('[11] MOTION BAT:3.12v SS:-71\n');

    assert.equal(await waitForText(nodeFact(page, 11, 'Battery'), '3.12 V'), '3.12 V');
    assert.equal(await nodeFact(page, 11, 'RSSI').textContent(), '-71 dBm');
    assert.equal(await nodeFact(page, 11, 'Packets').textContent(), '2');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('operator command reaches the radio', async () => {
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    await stack.radio.write('[14] STS:CLS SS:-55\n');
    assert.equal(await waitForText(metricValue(page, 14, 'state'), 'CLOSED'), 'CLOSED');

    await openNodePage(page, 14);
    const input = page.getByLabel('Command to node 14');
    const status = page.locator('.command output');
    await input.fill('OPN');
    await page.getByRole('button', { name: 'Send' }).click();

    await stack.radio.waitForLine('14:OPN');
    assert.equal(await waitForText(status, 'Sent "OPN".'), 'Sent "OPN".');

    // The garage node then reports its new state, and the open page shows it.
    await stack.radio.write('[14] STS:OPNING SS:-55\n');
    assert.equal(await waitForText(nodePageMetric(page, 'state'), 'OPENING'), 'OPENING');

    // 30 characters pass the page and the API (64 at most) but not the radio gateway's 24-character line.
    const tooLong = 'BTN1:1'.padEnd(30, 'X');
    await input.fill(tooLong);
    await input.press('Enter');
    const rejected = await waitForText(status, /^Not sent: /);
    assert.match(rejected, /^Not sent: Command "14:BTN1:1X+" is 33 characters long, more than the radio gateway's maximum of 24\./);
    assert.equal(stack.radio.received.includes(tooLong), false);
    assert.deepEqual(withoutMissingRoutes(problems), []);
  } finally {
    await context.close();
  }
});

test('viewer sees no command form', async () => {
  await stack.radio.write('[22] C:21.5 H:40 SS:-60\n');
  const { context, page, problems } = await openDashboard(users.viewer);
  try {
    assert.equal(await waitForText(metricValue(page, 22, 'temperature'), '21.5 °C'), '21.5 °C');
    assert.equal(await page.locator('.user-name').textContent(), 'victor');
    assert.equal(await page.locator('.role').textContent(), 'viewer');
    assert.equal(await page.getByRole('link', { name: 'Live log' }).count(), 0);
    await openNodePage(page, 22);
    assert.equal(await waitForText(nodePageMetric(page, 'humidity'), '40 %'), '40 %');
    assert.equal(await page.locator('form').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0);
    assert.deepEqual(withoutMissingRoutes(problems), []);
  } finally {
    await context.close();
  }
});

test('node markup stays text', async () => {
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    // A token name must be a letter followed by letters, digits or underscores, so the codec drops this line.
    await stack.radio.write('[60] <b>X</b>:1 SS:-80\n');
    // A bracketed DEBUG token may hold free text, and an unknown token name keeps its value as text.
    await stack.radio.write('[60] [DEBUG:<img src=x onerror=alert(1)>] NOTE:<b>X</b> SS:-80\n');

    const debug = await waitForText(metricValue(page, 60, 'debug'), '<img src=x onerror=alert(1)>');
    assert.equal(debug, '<img src=x onerror=alert(1)>');
    assert.equal(await metricValue(page, 60, 'note').textContent(), '<b>X</b>');
    assert.equal(await nodeFact(page, 60, 'Packets').textContent(), '1');
    assert.equal(await page.locator('body img:not(.kind-icon)').count(), 0);
    assert.equal(await page.locator('body b').count(), 0);

    // The hub sends the link counters about once a second while lines arrive, so the open page shows
    // the rejected line's drop without a reload.
    assert.match(await waitForText(page.locator('[data-field="link-dropped"]'), /badToken/), /^1 badToken$/);
    await page.reload();
    await waitForText(banner(page), 'Connected to the hub.');
    assert.match(await waitForText(page.locator('[data-field="link-dropped"]'), /badToken/), /^1 badToken$/);
    assert.equal(await page.locator('body img:not(.kind-icon)').count(), 0);
    assert.equal(await page.locator('body b').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('page reconnects after hub restart', async () => {
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    await stack.radio.write('[70] BAT:3.3v SS:-50\n');
    assert.equal(await waitForText(nodeFact(page, 70, 'Battery'), '3.3 V'), '3.3 V');

    await stack.hub?.stop();
    const lost = await waitForText(banner(page), /^Connection to the hub lost\./);
    assert.match(lost, /^Connection to the hub lost\. Reconnecting in \d+ s\./);

    // The hub stays down until the front has rejected the page's first retry with 502.
    await stack.front?.waitForLine(/"msg":"hub websocket failed"/, 5000);
    await stack.startHub();
    // The next retries come 2 s and then 4 s after the rejected one, well inside this 20 s wait.
    assert.equal(await waitForText(banner(page), 'Connected to the hub.', 20_000), 'Connected to the hub.');
    assert.equal(await waitForText(linkState(page), 'open'), 'open');
    // The restarted hub seeds node 70 from its stored history, so it shows before it speaks again.
    assert.equal(await waitForText(nodeFact(page, 70, 'Battery'), '3.3 V'), '3.3 V');

    await stack.radio.write('[71] BAT:3.25v SS:-52\n');
    assert.equal(await waitForText(nodeFact(page, 71, 'Battery'), '3.25 V'), '3.25 V');
    assert.equal(await nodeFact(page, 71, 'RSSI').textContent(), '-52 dBm');

    // Chromium logs a console error for each handshake that the front rejects with 502 while the hub is down.
    const rejectedHandshake = `console error: WebSocket connection to 'wss://127.0.0.1:${stack.ports.https}/ws' failed: Error during WebSocket handshake: Unexpected response code: 502`;
    // Before each retry the page requests /api/health to renew its session, which is 502 while the hub is down.
    const failedHealthCheck = 'console error: Failed to load resource: the server responded with a status of 502 (Bad Gateway)';
    const unexpected = problems.filter((problem) => problem !== rejectedHandshake && problem !== failedHealthCheck);
    assert.deepEqual(unexpected, []);
  } finally {
    await context.close();
  }
});

test('operator reads the live log', async () => {
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    await page.getByRole('link', { name: 'Live log' }).click();
    await waitForText(page.locator('#log-title'), 'Live log');
    await stack.radio.write('[31] C:18.5 SS:-70\n');
    await stack.radio.write('[32] <i>bad</i>\n');

    const entries = page.locator('.log-entry');
    const packet = entries.filter({ hasText: '[31] C:18.5 SS:-70' });
    assert.equal(await waitForText(packet.locator('.log-text'), '[31] C:18.5 SS:-70'), '[31] C:18.5 SS:-70');
    assert.equal(await packet.locator('.log-direction').textContent(), 'in');
    assert.equal(await waitForText(entries.filter({ hasText: '<i>bad</i>' }).first().locator('.log-text'), /<i>bad<\/i>/), '[32] <i>bad</i>');
    assert.equal(await page.locator('.log-entries i').count(), 0);

    await page.getByLabel('Filter').fill('C:18.5');
    assert.equal(await waitForText(entries.first().locator('.log-text'), '[31] C:18.5 SS:-70'), '[31] C:18.5 SS:-70');
    assert.equal(await entries.filter({ hasText: '<i>bad</i>' }).count(), 0);
    assert.match((await page.locator('.link-panel [data-field="link-dropped"]').textContent()) ?? '', /badToken|none/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('admin manages users and tokens', async () => {
  const { context, page, problems } = await openDashboard(users.admin);
  try {
    await page.getByRole('link', { name: 'Settings' }).click();
    const userRow = page.locator('tr[data-user="olivia"]');
    await userRow.waitFor();
    assert.equal(await page.locator('tr[data-user]').count(), 3);
    assert.match((await page.locator('[data-field="config-note"]').textContent()) ?? '', /No configuration key can be changed from this page yet/);

    const addForm = page.getByRole('form', { name: 'Add a user' });
    await addForm.getByLabel('Name').fill('wendy');
    await addForm.getByLabel('Password').fill('wendy-password-1');
    await addForm.getByLabel('Role').selectOption('operator');
    await addForm.getByRole('button', { name: 'Add user' }).click();
    assert.equal(await waitForText(page.locator('[data-field="users-status"]'), 'Adding wendy: done.', 10_000), 'Adding wendy: done.');
    await page.locator('tr[data-user="wendy"]').waitFor();
    assert.equal(await page.getByLabel('Role of wendy').inputValue(), 'operator');
    assert.equal(await addForm.getByLabel('Password').inputValue(), '');

    await page.getByLabel('Role of wendy').selectOption('viewer');
    assert.equal(await waitForText(page.locator('[data-field="users-status"]'), 'Changing the role of wendy: done.', 10_000), 'Changing the role of wendy: done.');
    const listed = await stack.request('/api/users', { user: users.admin });
    const wendy = (JSON.parse(listed.body) as { name: string; role: string }[]).find((user) => user.name === 'wendy');
    assert.equal(wendy?.role, 'viewer');

    const tokenForm = page.getByRole('form', { name: 'Create a token' });
    await tokenForm.getByLabel('Name').fill('backup-script');
    await tokenForm.getByLabel('Role').selectOption('viewer');
    await tokenForm.getByRole('button', { name: 'Create token' }).click();
    const secret = (await waitForText(page.locator('[data-field="token-secret"]'), /\S{20,}/, 10_000)).trim();
    await page.locator('tr[data-token="backup-script"]').waitFor();

    // The token works for a script, and the page drops it from the DOM once dismissed.
    const health = await stack.request('/api/nodes', { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(health.status, 200);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.locator('[data-field="token-secret"]').count(), 0);
    assert.equal((await page.content()).includes(secret), false);

    await page.getByRole('button', { name: 'Revoke backup-script' }).click();
    await page.getByRole('button', { name: 'Confirm revoking backup-script' }).click();
    assert.equal(await waitForText(page.locator('[data-field="tokens-status"]'), 'Revoked backup-script.', 10_000), 'Revoked backup-script.');
    // The front rereads tokens.json when it changes, within its check interval, so the 401 may take a moment.
    let revokedStatus = 0;
    for (let attempt = 0; attempt < 40 && revokedStatus !== 401; attempt += 1) {
      revokedStatus = (await stack.request('/api/nodes', { headers: { authorization: `Bearer ${secret}` } })).status;
      if (revokedStatus !== 401) {
        await delay(250);
      }
    }
    assert.equal(revokedStatus, 401);

    await page.getByRole('button', { name: 'Remove wendy' }).click();
    assert.equal(await waitForText(page.locator('[data-field="users-status"]'), 'Removing wendy: done.', 10_000), 'Removing wendy: done.');
    // The status line changes first; the list reloads right after.
    await page.locator('tr[data-user="wendy"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('tr[data-user]').count(), 3);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dashboard and node page fit phone and desktop', async () => {
  await stack.radio.write('[80] C:19.75 H:52 BAT:3.01v SS:-88\n');
  await stack.radio.write('[81] STS:CLS [TYPE:GarageMote] SS:-61\n');
  await stack.radio.write('[82] MOTION BAT:3.3v SS:-45\n');
  const { context, page, problems } = await openDashboard(users.operator);
  try {
    assert.equal(await waitForText(metricValue(page, 81, 'state'), 'CLOSED'), 'CLOSED');
    await stack.radio.write('[80] C:20.25 H:51 BAT:3.01v SS:-86\n');
    assert.equal(await waitForText(metricValue(page, 80, 'temperature'), '20.25 °C'), '20.25 °C');

    for (const [name, viewport] of Object.entries(screenshotSizes)) {
      await page.setViewportSize(viewport);
      assert.equal(await horizontalOverflow(page), 0, name);
      await page.screenshot({ path: join(artifactsDir, `dashboard-${name}.png`), fullPage: true });
    }

    await openNodePage(page, 81);
    assert.equal(await waitForText(page.locator('#node-page-title'), 'Node 81'), 'Node 81');
    assert.equal(await page.getByRole('button', { name: 'Open' }).count(), 1);
    // The door state comes back from the hub's history as a timeline, and the requests load without error.
    const timeline = page.locator('[data-metric-timeline="state"] .timeline-segment').last();
    assert.equal(await waitForText(timeline, 'CLOSED'), 'CLOSED');
    assert.equal(await page.locator('[data-metric-timeline="state"] .form-error').count(), 0);
    await page.getByRole('region', { name: 'Requests' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Requests' }).locator('.form-error').count(), 0);
    for (const [name, viewport] of Object.entries(screenshotSizes)) {
      await page.setViewportSize(viewport);
      assert.equal(await horizontalOverflow(page), 0, name);
      await page.screenshot({ path: join(artifactsDir, `node-page-${name}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 320, height: 740 });
    assert.equal(await horizontalOverflow(page), 0);
    assert.deepEqual(withoutMissingRoutes(problems), []);
  } finally {
    await context.close();
  }
});
