import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { isGatehouseError } from '../../src/errors/index.js';
import { ensureCertificate } from '../../src/tls/index.js';
import { basicHeader, requestHttps, startTestFront, testPassword, testUser, type TestFront } from './front-harness.js';
import { createCapturingLogger, createTemporaryFolder, findClosedPort } from './helpers.js';
import { createCaSignedPair, createRsaSelfSigned } from './openssl.js';

const hsts = { enabled: true, maxAgeSeconds: 600 };

function isConfigError(error: unknown): boolean {
  return isGatehouseError(error) && error.code === 'CONFIG_INVALID' && error.message.includes('front.hsts.enabled');
}

void describe('HSTS with a CA-signed certificate', () => {
  let running: TestFront;
  let ca = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    const temporary = await createTemporaryFolder();
    removeFolder = temporary.remove;
    const files = await createCaSignedPair(temporary.folder, 'leaf', ['DNS:localhost', 'IP:127.0.0.1']);
    ca = await readFile(files.caFile, 'utf8');
    running = await startTestFront(await findClosedPort(), {
      overrides: { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8'), hsts },
    });
  });
  after(async () => {
    await running.close();
    await removeFolder();
  });

  void test('200 carries the header', async () => {
    const response = await requestHttps(running.front.httpsPort, ca, { headers: { authorization: basicHeader(testUser, testPassword) } });
    assert.equal(response.status, 200);
    assert.equal(response.headers['strict-transport-security'], 'max-age=600');
  });

  void test('401 carries the header', async () => {
    const response = await requestHttps(running.front.httpsPort, ca);
    assert.equal(response.status, 401);
    assert.equal(response.headers['strict-transport-security'], 'max-age=600');
  });

  void test('502 from the proxy carries it', async () => {
    const response = await requestHttps(running.front.httpsPort, ca, { path: '/api/nodes', headers: { authorization: basicHeader(testUser, testPassword) } });
    assert.equal(response.status, 502);
    assert.equal(response.headers['strict-transport-security'], 'max-age=600');
  });

  void test('redirect port never sends it', async () => {
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port: running.front.httpPort, path: '/', agent: false }, (incoming) => {
        incoming.resume();
        resolve(incoming.headers);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    assert.equal(typeof headers.location, 'string');
    assert.equal(headers['strict-transport-security'], undefined);
  });
});

void describe('HSTS off by default', () => {
  let running: TestFront;

  before(async () => {
    running = await startTestFront(await findClosedPort());
  });
  after(() => running.close());

  void test('no header without the option', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert);
    assert.equal(response.status, 401);
    assert.equal(response.headers['strict-transport-security'], undefined);
  });
});

void describe('HSTS with self-signed certificates', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
  });
  after(() => removeFolder());

  void test('rejects a generated pair', async () => {
    const pair = await ensureCertificate({ dataDir: folder, logger: createCapturingLogger().logger });
    await assert.rejects(
      startTestFront(await findClosedPort(), {
        overrides: { cert: pair.cert, key: pair.key, hsts, certificateFiles: { certFile: pair.certFile, keyFile: pair.keyFile, generated: true } },
      }),
      isConfigError,
    );
  });

  void test('rejects a configured self-signed pair', async () => {
    const files = await createRsaSelfSigned(folder);
    const overrides = { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8'), hsts };
    await assert.rejects(startTestFront(await findClosedPort(), { overrides }), isConfigError);
  });

  void test('disabled HSTS allows self-signed', async () => {
    const files = await createRsaSelfSigned(folder, 'allowed');
    const overrides = { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8'), hsts: { ...hsts, enabled: false } };
    const running = await startTestFront(await findClosedPort(), { overrides });
    await running.close();
  });
});
