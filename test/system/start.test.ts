import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { freePort, gatehouseBin, RunningProcess, runGatehouse } from '../support/processes.js';
import { basicAuth, users } from '../support/stack.js';

let dir: string;
let config: string;
let ports: { http: number; https: number; hub: number };
let supervisor: RunningProcess;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-start-'));
  config = path.join(dir, 'gatehouse.yaml');
  ports = { http: await freePort(), https: await freePort(), hub: await freePort() };
  await writeFile(
    config,
    `dataDir: ./data\nfront:\n  listenAddress: 127.0.0.1\n  httpPort: ${ports.http}\n  httpsPort: ${ports.https}\nhub:\n  port: ${ports.hub}\n`,
  );
  const result = await runGatehouse(['user', 'add', users.viewer.name, '--password-stdin', '--config', config], `${users.viewer.password}\n`);
  assert.equal(result.code, 0, result.stderr);
  supervisor = new RunningProcess(process.execPath, [gatehouseBin, 'start', '--simulate', '--config', config]);
  await supervisor.waitForLine(/"msg":"hub started"/);
  await supervisor.waitForLine(/"msg":"front started"/);
});

after(async () => {
  await supervisor.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Open a websocket through the front and resolve with the first node update from the simulator. */
async function firstNodeUpdate(): Promise<Record<string, unknown>> {
  const ca = await readFile(path.join(dir, 'data', 'tls', 'cert.pem'), 'utf8');
  const socket = new WebSocket(`wss://127.0.0.1:${ports.https}/ws`, {
    ca,
    headers: { authorization: basicAuth(users.viewer), origin: `https://127.0.0.1:${ports.https}` },
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no node update within 15 s')), 15_000);
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (message.type === 'node') {
          clearTimeout(timer);
          resolve(message);
        }
      });
      socket.once('error', reject);
    });
  } finally {
    socket.terminate();
  }
}

function childPid(name: string, occurrence: number): number {
  const lines = supervisor.lines.filter((line) => line.includes('"msg":"child started"') && line.includes(`"child":"${name}"`));
  const line = lines[occurrence];
  assert.ok(line !== undefined, `no start line ${occurrence} for ${name}`);
  return (JSON.parse(line) as { childPid: number }).childPid;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('start runs the simulator, hub and front', async () => {
  const update = await firstNodeUpdate();
  assert.equal(typeof (update.node as { id: unknown }).id, 'number');
});

test('start restarts a crashed hub', async () => {
  const hubPid = childPid('hub', 0);
  process.kill(hubPid, 'SIGKILL');
  await supervisor.waitForLine(/"child":"hub".*"msg":"child exited, restarting"/);
  await supervisor.waitForLine(/"signal":"SIGKILL"/);

  const deadline = Date.now() + 15_000;
  while (supervisor.lines.filter((line) => line.includes('"msg":"hub started"')).length < 2) {
    assert.ok(Date.now() < deadline, 'the hub did not start again within 15 s');
    await delay(50);
  }
  assert.notEqual(childPid('hub', 1), hubPid);
  const update = await firstNodeUpdate();
  assert.equal(update.type, 'node');
});

test('start passes SIGHUP to both children', async () => {
  const frontPid = childPid('front', 0);
  supervisor.child.kill('SIGHUP');
  const line = await supervisor.waitForLine(/"msg":"SIGHUP passed on to the hub and the front"/);
  assert.match(line, /"hub":true/);
  assert.match(line, /"front":true/);
  await supervisor.waitForLine(/"process":"hub".*"msg":"config reloaded"/);
  await supervisor.waitForLine(/"process":"front".*"msg":"config reloaded"/);
  await delay(300);
  assert.equal(supervisor.child.exitCode, null, 'the supervisor must survive SIGHUP');
  assert.equal(isAlive(frontPid), true, 'the front must survive SIGHUP');
  assert.equal(isAlive(childPid('hub', 1)), true, 'the hub must survive SIGHUP');
});

test('start stops every child on SIGTERM', async () => {
  const pids = ['simulate', 'front'].map((name) => childPid(name, 0));
  pids.push(childPid('hub', 1));
  const code = await supervisor.stop(15_000);
  assert.equal(code, 0);
  for (const pid of pids) {
    assert.equal(isAlive(pid), false, `child ${pid} still running`);
  }
  await assert.rejects(access(path.join(dir, 'data', 'radio-sim')), 'the simulated device link should be gone');
});
