// Browser tests of the live log and the settings page against the scripted hub.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { logSubscribeMessage } from '../../src/protocol/index.js';
import type { LogEntry } from '../../src/protocol/index.js';
import { addQuietRoutes, openLink, sampleNode, snapshot, UiSession, waitForText, waitUntil } from './ui-harness.js';

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

function entry(text: string, direction: LogEntry['direction'], kind: string, nodeId: number | null = null, gateway: string | null = 'radio'): LogEntry {
  return { time: new Date().toISOString(), gateway, direction, kind, nodeId, text };
}

void test('live log subscribes and filters', async () => {
  const { page, peer, problems } = await session.openPage();
  try {
    peer.send(snapshot('operator', [sampleNode(3, 20)], 'olivia', [], [openLink(), openLink('attic')]));
    await page.getByRole('link', { name: 'Live log' }).click();

    const subscribe = logSubscribeMessage.safeParse(await peer.nextMessage());
    assert.equal(subscribe.success, true);
    assert.equal(subscribe.data?.enabled, true);
    peer.send({ type: 'reply', id: subscribe.data?.id ?? '' });
    peer.send({
      type: 'log',
      entries: [
        entry('[3] C:20.5 SS:-60', 'in', 'packet', 3),
        entry('3:OPN', 'out', 'command', 3, 'attic'),
        entry('link open on /dev/ttyUSB0', 'system', 'link', null),
        entry('[9] <img src=x onerror=alert(1)>', 'in', 'dropped', 9),
      ],
    });

    const texts = page.locator('.log-entry .log-text');
    assert.equal(await waitForText(texts.first(), '[9] <img src=x onerror=alert(1)>'), '[9] <img src=x onerror=alert(1)>');
    assert.deepEqual(await texts.allTextContents(), ['[9] <img src=x onerror=alert(1)>', 'link open on /dev/ttyUSB0', '3:OPN', '[3] C:20.5 SS:-60']);
    assert.equal(await page.locator('.log-entries img').count(), 0);
    assert.equal(await page.locator('.link-panel').count(), 2);

    await page.getByLabel('Direction').selectOption('out');
    assert.deepEqual(await texts.allTextContents(), ['3:OPN']);
    await page.getByLabel('Direction').selectOption('all');
    await page.getByRole('combobox', { name: 'Radio gateway' }).selectOption('attic');
    assert.deepEqual(await texts.allTextContents(), ['3:OPN']);
    await page.getByRole('combobox', { name: 'Radio gateway' }).selectOption('');
    await page.getByLabel('Filter').fill('dropped');
    assert.deepEqual(await texts.allTextContents(), ['[9] <img src=x onerror=alert(1)>']);
    await page.getByLabel('Filter').fill('');

    // Paused, the list stays as it is while entries keep arriving.
    await page.getByRole('button', { name: 'Pause' }).click();
    peer.send({ type: 'log', entries: [entry('[3] C:21 SS:-60', 'in', 'packet', 3)] });
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal(await texts.count(), 4);
    await page.getByRole('button', { name: 'Resume' }).click();
    assert.equal(await waitForText(texts.first(), '[3] C:21 SS:-60'), '[3] C:21 SS:-60');

    // Leaving the page stops the log.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const unsubscribe = logSubscribeMessage.safeParse(await peer.nextMessage());
    assert.equal(unsubscribe.data?.enabled, false);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('log subscription survives reconnect', async () => {
  const { page, peer, problems } = await session.openPage('#/log');
  try {
    peer.send(snapshot('admin', [sampleNode(3, 20)]));
    assert.equal(logSubscribeMessage.safeParse(await peer.nextMessage()).data?.enabled, true);

    peer.socket.close(1012, 'hub restarting');
    const second = await session.server.hub.nextPeer(8000);
    second.send(snapshot('admin', [sampleNode(3, 20)]));
    const again = logSubscribeMessage.safeParse(await second.nextMessage());
    assert.equal(again.data?.enabled, true);
    second.send({ type: 'log', entries: [entry('GATEWAYSTART', 'in', 'gateway')] });
    assert.equal(await waitForText(page.locator('.log-entry .log-text').first(), 'GATEWAYSTART'), 'GATEWAYSTART');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('viewer gets no log or settings', async () => {
  const { page, peer, problems } = await session.openPage('#/log');
  try {
    peer.send(snapshot('viewer', [sampleNode(3, 20)]));
    assert.equal(await waitForText(page.locator('main .placeholder'), 'The live log is for operators and admins.'), 'The live log is for operators and admins.');
    await page.evaluate('window.location.hash = "#/settings"');
    assert.equal(await waitForText(page.locator('main p'), 'Only admins can change settings.'), 'Only admins can change settings.');
    assert.equal(session.server.api.requestsTo('GET', '/api/users').length, 0);
    // The hub never saw a log subscription from a viewer's page.
    const sent = await peer.nextMessage(300).catch(() => null);
    assert.equal(sent, null);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

void test('admin manages users', async () => {
  const api = session.server.api;
  const users = [
    { name: 'alice', role: 'admin', hashKind: 'bcrypt' },
    { name: '<b>bob</b>', role: 'viewer', hashKind: 'bcrypt' },
  ];
  api.on('GET', '/api/users', () => ({ status: 200, body: users }));
  api.on('GET', '/api/tokens', () => ({ status: 200, body: [] }));
  api.on('POST', '/api/users', (request) => {
    const body = request.body as { name: string; role: string };
    users.push({ name: body.name, role: body.role, hashKind: 'bcrypt' });
    return { status: 201, body: { name: body.name, role: body.role } };
  });
  api.on('PATCH', /^\/api\/users\/[^/]+$/, (request) => {
    const name = decodeURIComponent(request.path.split('/').at(-1) ?? '');
    const body = request.body as { role?: string };
    const user = users.find((one) => one.name === name);
    if (user !== undefined && body.role !== undefined) {
      user.role = body.role;
    }
    return { status: 200, body: { name, role: user?.role ?? 'viewer' } };
  });
  api.on('DELETE', /^\/api\/users\/[^/]+$/, (request) => {
    const name = decodeURIComponent(request.path.split('/').at(-1) ?? '');
    users.splice(users.findIndex((one) => one.name === name), 1);
    return { status: 204 };
  });

  const { page, peer, problems } = await session.openPage('#/settings');
  try {
    peer.send(snapshot('admin', [], 'alice'));
    const status = page.locator('[data-field="users-status"]');
    await page.locator('tr[data-user="<b>bob</b>"]').waitFor();
    assert.equal(await page.locator('tr[data-user="<b>bob</b>"] td').first().textContent(), '<b>bob</b>');
    assert.equal(await page.locator('body b').count(), 0);
    // The signed-in admin gets no button to remove their own account.
    assert.equal(await page.getByRole('button', { name: 'Remove alice' }).count(), 0);
    assert.match((await page.locator('[data-field="config-note"]').textContent()) ?? '', /^No configuration key can be changed from this page yet\./);

    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Name').fill('carol');
    await form.getByLabel('Password').fill('carol-secret-1');
    await form.getByLabel('Role').selectOption('operator');
    await form.getByRole('button', { name: 'Add user' }).click();
    assert.equal(await waitForText(status, 'Adding carol: done.'), 'Adding carol: done.');
    assert.deepEqual(api.requestsTo('POST', '/api/users')[0]?.body, { name: 'carol', password: 'carol-secret-1', role: 'operator' });
    // Password fields are write-only: empty after sending, and never filled from the hub.
    assert.equal(await form.getByLabel('Password').inputValue(), '');
    assert.equal(await form.getByLabel('Password').getAttribute('type'), 'password');
    await page.locator('tr[data-user="carol"]').waitFor();

    await page.getByLabel('Role of <b>bob</b>').selectOption('operator');
    assert.equal(await waitForText(status, 'Changing the role of <b>bob</b>: done.'), 'Changing the role of <b>bob</b>: done.');
    assert.equal(api.requestsTo('PATCH', '/api/users/%3Cb%3Ebob%3C%2Fb%3E').length, 1);

    const passwordForm = page.getByRole('form', { name: 'Set a password' });
    await passwordForm.getByLabel('User').selectOption('carol');
    await passwordForm.getByLabel('New password').fill('carol-secret-2');
    await passwordForm.getByRole('button', { name: 'Set password' }).click();
    assert.equal(await waitForText(status, 'Setting the password of carol: done.'), 'Setting the password of carol: done.');
    assert.deepEqual(api.requestsTo('PATCH', '/api/users/carol')[0]?.body, { password: 'carol-secret-2' });
    assert.equal(await passwordForm.getByLabel('New password').inputValue(), '');

    await page.getByRole('button', { name: 'Remove carol' }).click();
    assert.equal(await waitForText(status, 'Removing carol: done.'), 'Removing carol: done.');
    await page.locator('tr[data-user="carol"]').waitFor({ state: 'detached' });

    // A rule the hub enforces comes back as its message.
    api.on('DELETE', /^\/api\/users\/[^/]+$/, () => ({ status: 409, body: { error: { code: 'AUTH_LAST_ADMIN', message: 'cannot remove "<b>bob</b>": it is the last admin' } } }));
    await page.getByRole('button', { name: 'Remove <b>bob</b>' }).click();
    const failed = 'Removing <b>bob</b> failed: cannot remove "<b>bob</b>": it is the last admin';
    assert.equal(await waitForText(status, failed), failed);
    assert.equal((await page.content()).includes('carol-secret'), false);
    const unexpected = problems.filter((problem) => !problem.includes('status of 409'));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});

void test('token secret is shown once', async () => {
  const api = session.server.api;
  const tokens: { name: string; role: string; created: string; expires: string | null; expired: boolean }[] = [
    { name: 'old', role: 'viewer', created: '2026-01-01T00:00:00.000Z', expires: '2026-02-01T00:00:00.000Z', expired: true },
  ];
  const secret = 'gh_backup.9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  api.on('GET', '/api/users', () => ({ status: 200, body: [] }));
  api.on('GET', '/api/tokens', () => ({ status: 200, body: tokens }));
  api.on('POST', '/api/tokens', (request) => {
    const body = request.body as { name: string; role: string; expiresDays?: number };
    const created = { name: body.name, role: body.role, created: new Date().toISOString(), expires: null, expired: false };
    tokens.push(created);
    return { status: 201, body: { ...created, token: secret } };
  });
  api.on('DELETE', /^\/api\/tokens\/[^/]+$/, (request) => {
    const name = decodeURIComponent(request.path.split('/').at(-1) ?? '');
    tokens.splice(tokens.findIndex((one) => one.name === name), 1);
    return { status: 204 };
  });

  const { page, peer, problems } = await session.openPage('#/settings');
  try {
    peer.send(snapshot('admin', [], 'alice'));
    await page.locator('tr[data-token="old"]').waitFor();
    assert.match((await page.locator('tr[data-token="old"]').textContent()) ?? '', /\(expired\)/);

    const form = page.getByRole('form', { name: 'Create a token' });
    await form.getByLabel('Name').fill('backup');
    await form.getByLabel('Role').selectOption('operator');
    await form.getByLabel(/Expires after/).fill('30');
    await form.getByRole('button', { name: 'Create token' }).click();

    assert.equal(await waitForText(page.locator('[data-field="token-secret"]'), secret), secret);
    assert.deepEqual(api.requestsTo('POST', '/api/tokens')[0]?.body, { name: 'backup', role: 'operator', expiresDays: 30 });
    await page.locator('tr[data-token="backup"]').waitFor();
    // The list shows names and dates only.
    assert.equal((await page.locator('.admin-table').last().textContent())?.includes(secret), false);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.locator('[data-field="token-secret"]').count(), 0);
    assert.equal((await page.content()).includes(secret), false);

    // Revoking takes a second click, and "Keep" backs out without a request.
    await page.getByRole('button', { name: 'Revoke backup' }).click();
    await page.getByRole('button', { name: 'Keep backup' }).click();
    assert.equal(api.requestsTo('DELETE', '/api/tokens/backup').length, 0);
    await page.getByRole('button', { name: 'Revoke backup' }).click();
    await page.getByRole('button', { name: 'Confirm revoking backup' }).click();
    assert.equal(await waitForText(page.locator('[data-field="tokens-status"]'), 'Revoked backup.'), 'Revoked backup.');
    await page.locator('tr[data-token="backup"]').waitFor({ state: 'detached' });
    assert.equal(
      await waitUntil(() => api.requestsTo('DELETE', '/api/tokens/backup').length === 1),
      true,
    );

    // Revoking a token whose secret is still on screen takes the secret away too.
    await form.getByLabel('Name').fill('spare');
    await form.getByLabel(/Expires after/).fill('');
    await form.getByRole('button', { name: 'Create token' }).click();
    assert.equal(await waitForText(page.locator('[data-field="token-secret"]'), secret), secret);
    await page.getByRole('button', { name: 'Revoke spare' }).click();
    await page.getByRole('button', { name: 'Confirm revoking spare' }).click();
    assert.equal(await waitForText(page.locator('[data-field="tokens-status"]'), 'Revoked spare.'), 'Revoked spare.');
    assert.equal(await page.locator('[data-field="token-secret"]').count(), 0);

    // A bad lifetime comes back from the hub with its reason.
    api.on('POST', '/api/tokens', () => ({ status: 400, body: { error: { code: 'PROTOCOL_MESSAGE_INVALID', message: 'expiresDays must be 1 to 3650' } } }));
    await form.getByLabel('Name').fill('forever');
    await form.getByRole('button', { name: 'Create token' }).click();
    assert.equal(await waitForText(page.locator('[data-field="tokens-status"]'), 'Creating the token failed: expiresDays must be 1 to 3650'), 'Creating the token failed: expiresDays must be 1 to 3650');
    assert.equal(await page.locator('[data-field="token-secret"]').count(), 0);
    const unexpected = problems.filter((problem) => !problem.includes('status of 400'));
    assert.deepEqual(unexpected, []);
  } finally {
    await page.close();
  }
});
