import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import type { RunningProcess } from '../support/processes.js';
import { runGatehouse } from '../support/processes.js';
import { Stack, users } from '../support/stack.js';

/** Scraping /api/metrics through the front with a viewer token, and config reloads on SIGHUP in real processes. */

let stack: Stack;
let viewerToken = '';
let originalYaml = '';

before(async () => {
  stack = await Stack.start();
  originalYaml = await readFile(stack.configFile, 'utf8');
  await stack.hub?.waitForLine(/"state":"open"/);
  await stack.radio.write('[21] T:21.5 SS:-71\n');
  const created = await runGatehouse(['token', 'create', 'prometheus', '--role', 'viewer', '--config', stack.configFile]);
  assert.equal(created.code, 0, created.stderr);
  viewerToken = created.stdout.trim().split('\n').find((line) => line.startsWith('ght_')) ?? '';
  assert.notEqual(viewerToken, '', created.stdout);
});
after(() => stack.stop());

function processOf(name: 'hub' | 'front'): RunningProcess {
  const running = name === 'hub' ? stack.hub : stack.front;
  assert.ok(running !== null, `${name} not running`);
  return running;
}

/** Waits for a line matching `pattern` among those written after line `from`, for at most 10 s. */
async function lineAfter(running: RunningProcess, from: number, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const line = running.lines.slice(from).find((candidate) => pattern.test(candidate));
    if (line !== undefined) {
      return line;
    }
    await delay(50);
  }
  throw new Error(`no line matching ${pattern} within 10 s; output:\n${running.lines.slice(from).join('\n').slice(-3000)}`);
}

/** Write the config with `edits` applied to the stack's original file, then send SIGHUP; returns the first new line index. */
async function reloadWith(name: 'hub' | 'front', edits: Array<[string, string]>): Promise<number> {
  let yaml = originalYaml;
  for (const [from, to] of edits) {
    assert.ok(yaml.includes(from), `the stack config has no "${from}"`);
    yaml = yaml.replace(from, to);
  }
  await writeFile(stack.configFile, yaml);
  const running = processOf(name);
  const mark = running.lines.length;
  running.child.kill('SIGHUP');
  return mark;
}

test('metrics through front with token', async () => {
  let scrape = await stack.request('/api/metrics', { headers: { authorization: `Bearer ${viewerToken}` } });
  for (let attempt = 0; attempt < 100 && !scrape.body.includes('node="21"'); attempt += 1) {
    await delay(50);
    scrape = await stack.request('/api/metrics', { headers: { authorization: `Bearer ${viewerToken}` } });
  }
  assert.equal(scrape.status, 200, scrape.body.slice(0, 300));
  assert.match(String(scrape.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const metrics = parseExposition(scrape.body);
  assert.equal(sampleValue(metrics, 'gatehouse_up'), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_link_open', { port: stack.radio.devicePath }), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_nodes'), 1);
  assert.equal(sampleValue(metrics, 'gatehouse_node_rssi_dbm', { node: '21' }), -71);
  assert.ok(sampleValue(metrics, 'process_resident_memory_bytes') > 0);
  assert.equal(scrape.body.includes(viewerToken), false, 'the token is not echoed');

  const anonymous = await stack.request('/api/metrics');
  assert.equal(anonymous.status, 401);
  const wrongToken = await stack.request('/api/metrics', { headers: { authorization: `Bearer ${viewerToken.slice(0, -2)}xx` } });
  assert.equal(wrongToken.status, 401);
});

test('hub reloads config on SIGHUP', async () => {
  const hub = processOf('hub');
  const mark = await reloadWith('hub', [
    ['level: debug', 'level: info'],
    ['pingIntervalSeconds: 5', 'pingIntervalSeconds: 6'],
    ['baudRate: 115200', 'baudRate: 57600'],
    ['freeFailures: 100', 'freeFailures: 99'],
  ]);
  const reloaded = await lineAfter(hub, mark, /"msg":"config reloaded"/);
  assert.match(reloaded, /"applied":\["hub\.pingIntervalSeconds","log\.level"\]/);
  const restart = await lineAfter(hub, mark, /restart to apply/);
  assert.match(restart, /"level":40/);
  assert.match(restart, /"keys":\["radio\.baudRate"\]/);
  const other = await lineAfter(hub, mark, /only the front reads/);
  assert.match(other, /"keys":\["front\.loginLimits\.freeFailures"\]/);

  // At level info the debug line of a websocket connection is gone; the command line still comes.
  const afterReload = hub.lines.length;
  const socket = await stack.websocket({ user: users.viewer });
  await socket.waitFor((message) => message.type === 'snapshot');
  await socket.close();
  const command = await stack.request('/api/nodes/21/commands', { user: users.operator, method: 'POST', body: { payload: 'PING' } });
  assert.equal(command.status, 202, command.body);
  await lineAfter(hub, afterReload, /"msg":"command sent"/);
  assert.equal(hub.lines.slice(afterReload).some((line) => line.includes('"msg":"websocket client connected"')), false, 'debug lines stop');
  assert.equal(hub.child.exitCode, null, 'the hub survives SIGHUP');
});

test('hub keeps config on invalid file', async () => {
  const hub = processOf('hub');
  const mark = await reloadWith('hub', [['level: debug', 'level: loud']]);
  const failure = await lineAfter(hub, mark, /config reload failed/);
  assert.match(failure, /"level":50/);
  assert.match(failure, /log\.level: got \\"loud\\"/);
  await delay(200);
  assert.equal(hub.lines.slice(mark).some((line) => line.includes('"msg":"config reloaded"')), false);

  const health = await stack.request('/api/health', { user: users.viewer });
  assert.equal(health.status, 200, 'the hub still answers');
  assert.equal(hub.child.exitCode, null);

  // Back to the original file: the level returns to debug, and nothing needs a restart any more.
  const restored = await reloadWith('hub', []);
  const reloaded = await lineAfter(hub, restored, /"msg":"config reloaded"/);
  assert.match(reloaded, /"applied":\["hub\.pingIntervalSeconds","log\.level"\]/);
  await delay(200);
  assert.equal(hub.lines.slice(restored).some((line) => /restart to apply/.test(line)), false);
});

test('front reloads config and certificate', async () => {
  const front = processOf('front');
  const first = await reloadWith('front', [
    ['freeFailures: 100', 'freeFailures: 50'],
    ['pingIntervalSeconds: 5', 'pingIntervalSeconds: 9'],
  ]);
  const restart = await lineAfter(front, first, /restart to apply/);
  assert.match(restart, /"keys":\["front\.loginLimits\.freeFailures"\]/);
  assert.match(await lineAfter(front, first, /only the hub reads/), /"keys":\["hub\.pingIntervalSeconds"\]/);
  const certificate = await lineAfter(front, first, /"msg":"the TLS files are unchanged"/);
  assert.match(certificate, /"reason":"request"/);

  const second = await reloadWith('front', [['level: debug', 'level: warn']]);
  const reloaded = await lineAfter(front, second, /"msg":"config reloaded"/);
  assert.match(reloaded, /"applied":\["log\.level"\]/);
  await delay(300);
  assert.equal(front.lines.slice(second).some((line) => line.includes('the TLS files are unchanged')), false, 'debug lines stop at level warn');
  const health = await stack.request('/api/health', { user: users.viewer });
  assert.equal(health.status, 200);
  assert.equal(front.child.exitCode, null, 'the front survives SIGHUP');
});
