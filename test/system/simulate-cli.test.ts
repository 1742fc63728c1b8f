import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PeerPort, waitFor } from '../radio/helpers.js';
import { gatehouseBin, RunningProcess, runGatehouse } from '../support/processes.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-simulate-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('simulate speaks mysensors', async () => {
  const device = path.join(dir, 'garden');
  const simulator = new RunningProcess(process.execPath, [gatehouseBin, 'simulate', '--device', device, '--dialect', 'mysensors', '--interval-ms', '50']);
  try {
    await simulator.waitForLine(/simulated radio gateway running/);
    const port = await PeerPort.open(device);
    try {
      await port.write('0;255;3;0;2;\n');
      await waitFor('version reply', () => port.lines().includes('0;255;3;0;2;2.3.2'));
      await waitFor('node values', () => port.lines().some((line) => /^7;1;1;0;0;-?\d+\.\d$/.test(line)));
      assert.ok(port.lines().includes('255;255;3;0;3;'), 'the node without an id requests one');
    } finally {
      await port.close();
    }
  } finally {
    await simulator.stop();
  }
});

test('simulate rejects unknown dialect', async () => {
  const result = await runGatehouse(['simulate', '--device', path.join(dir, 'x'), '--dialect', 'zigbee']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /zigbee/);
});
