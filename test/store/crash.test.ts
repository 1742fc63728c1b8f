import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openHistoryDatabase } from '../../src/store/open-history.js';
import { makeTempDir } from './helpers.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'crash-writer.ts');
const acksBeforeKill = 15;

void describe('crash safety', () => {
  void test('keeps every acknowledged reading', async (t) => {
    const dataDir = await makeTempDir(t);
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));

    // Every "ack n" line was printed after its commit, including lines read after the kill was sent.
    let acknowledged = 0;
    let acks = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^ack (\d+)$/.exec(line);
      if (match === null) continue;
      acknowledged = Math.max(acknowledged, Number(match[1]));
      acks += 1;
      if (acks === acksBeforeKill) child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acknowledged > 0);

    const { db, recovered } = await openHistoryDatabase(dataDir);
    t.after(() => db.close());
    assert.equal(recovered, null);
    const stored = db
      .prepare("SELECT count(DISTINCT r.value) AS n FROM reading r JOIN metric m ON m.id = r.metric_id WHERE m.name = 'seq' AND r.value < ?")
      .get(acknowledged) as { n: number };
    assert.equal(stored.n, acknowledged);
  });
});
