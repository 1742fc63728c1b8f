import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { createLogger } from '../../src/log/logger.js';
import { basicHeader, requestHttps, startTestFront, type TestFront } from './front-harness.js';
import { createTemporaryFolder, findClosedPort } from './helpers.js';

const run = promisify(execFile);
const filterFile = path.resolve(import.meta.dirname, '../../deploy/fail2ban/filter.d/gatehouse.conf');

void describe('fail2ban filter', () => {
  let running: TestFront;
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();
  let output = '';

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output += chunk.toString('utf8');
        callback();
      },
    });
    // The same bindings as `gatehouse front`: process, then the component child.
    const logger = createLogger({ level: 'info', destination }, { process: 'front' }).child({ component: 'front' });
    running = await startTestFront(await findClosedPort(), { overrides: { logger, trustedProxies: ['127.0.0.1'] } });
  });
  after(async () => {
    await running.close();
    await removeFolder();
  });

  void test('matches each failure by client', async () => {
    const attempts: [string, string][] = [
      ['192.0.2.7', basicHeader('alice', 'wrong')],
      ['2001:db8::7', 'Basic !!!!'],
      ['192.0.2.8', basicHeader('x","client":"203.0.113.1","msg":"login failed"}', 'wrong')],
      ['192.0.2.9', 'Bearer not-a-token'],
    ];
    for (const [client, authorization] of attempts) {
      const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { authorization, 'x-forwarded-for': client } });
      assert.equal(response.status, 401, client);
    }
    const logFile = path.join(folder, 'front.log');
    await writeFile(logFile, output);

    const { stdout } = await run('fail2ban-regex', ['-v', logFile, filterFile], { timeout: 30_000 });
    const matched = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched/.exec(stdout);
    assert.equal(matched?.[3], '4', stdout);
    for (const [client] of attempts) {
      assert.match(stdout, new RegExp(`^\\|\\s+${client.replaceAll('.', '\\.')}\\s`, 'm'), client);
    }
    assert.doesNotMatch(stdout, /^\|\s+203\.0\.113\.1\s/m);
  });
});
