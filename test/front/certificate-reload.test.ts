import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';

import WebSocket from 'ws';

import { ensureCertificate } from '../../src/tls/index.js';
import { generateSelfSignedCertificate } from '../../src/tls/self-signed.js';
import { basicHeader, startStandInHub, startTestFront, testPassword, testUser, type StandInHub, type TestFront } from './front-harness.js';
import { createCapturingLogger, createTemporaryFolder } from './helpers.js';

/** Fingerprint of the certificate a new TLS connection to the port receives. */
async function servedFingerprint(port: number): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const fingerprint = socket.getPeerCertificate().fingerprint256;
  socket.destroy();
  return fingerprint;
}

/** Wait until a log line with this message has appeared `count` times; fails after 5 s. */
async function waitForLog(running: TestFront, message: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (running.logLines.filter((line) => line.msg === message).length >= count) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`no ${count}. log line "${message}" within 5 s`);
}

/** Send one keep-alive request on an open TLS socket and return the status line. */
async function statusOverSocket(socket: TLSSocket): Promise<string> {
  socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${basicHeader(testUser, testPassword)}\r\n\r\n`);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString('latin1').split('\r\n')[0] ?? '';
}

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Replace a file the way tools do: write a temporary file next to it and rename it over. */
async function replaceFile(file: string, source: string): Promise<void> {
  await copyFile(source, `${file}.new`);
  await rename(`${file}.new`, file);
}

void describe('certificate reload', () => {
  let hub: StandInHub;
  let running: TestFront;
  let temporary: { folder: string; remove: () => Promise<void> };
  let certFile = '';
  let keyFile = '';
  const pairs: { cert: string; certFile: string; keyFile: string }[] = [];

  before(async () => {
    temporary = await createTemporaryFolder();
    const { logger } = createCapturingLogger();
    for (const name of ['first', 'second', 'third']) {
      pairs.push(await ensureCertificate({ dataDir: path.join(temporary.folder, name), logger }));
    }
    const [first] = pairs;
    assert.ok(first !== undefined);

    // The layout of certbot: live/ contains symlinks into archive/.
    const archive = path.join(temporary.folder, 'archive');
    const live = path.join(temporary.folder, 'live');
    await mkdir(archive);
    await mkdir(live);
    await copyFile(first.certFile, path.join(archive, 'cert1.pem'));
    await copyFile(first.keyFile, path.join(archive, 'key1.pem'));
    certFile = path.join(live, 'fullchain.pem');
    keyFile = path.join(live, 'privkey.pem');
    await symlink('../archive/cert1.pem', certFile);
    await symlink('../archive/key1.pem', keyFile);

    hub = await startStandInHub();
    running = await startTestFront(hub.port, {
      overrides: {
        cert: first.cert,
        key: await readFile(first.keyFile, 'utf8'),
        certificateFiles: { certFile, keyFile, generated: false },
        certificateReloadDebounceMs: 50,
      },
    });
  });
  after(async () => {
    await running.close();
    await hub.close();
    await temporary.remove();
  });

  void test('renewal keeps open connections', async () => {
    const [first, second] = pairs;
    assert.ok(first !== undefined, 'the first certificate pair is missing');
    assert.ok(second !== undefined, 'the second certificate pair is missing');
    const port = running.front.httpsPort;
    assert.equal(await servedFingerprint(port), fingerprintOf(first.cert));

    const keepAlive = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    await once(keepAlive, 'secureConnect');
    assert.match(await statusOverSocket(keepAlive), /^HTTP\/1\.1 200/);

    const websocket = new WebSocket(`wss://127.0.0.1:${port}/ws`, {
      headers: { authorization: basicHeader(testUser, testPassword) },
      rejectUnauthorized: false,
    });
    await once(websocket, 'open');

    try {
      // certbot writes new archive files, then swaps each live symlink by renaming a new one over it.
      const archive = path.join(temporary.folder, 'archive');
      await copyFile(second.certFile, path.join(archive, 'cert2.pem'));
      await copyFile(second.keyFile, path.join(archive, 'key2.pem'));
      await symlink('../archive/cert2.pem', `${certFile}.new`);
      await rename(`${certFile}.new`, certFile);
      await symlink('../archive/key2.pem', `${keyFile}.new`);
      await rename(`${keyFile}.new`, keyFile);
      await waitForLog(running, 'reloaded the TLS certificate', 1);

      assert.equal(await servedFingerprint(port), fingerprintOf(second.cert));
      const logged = running.logLines.find((line) => line.msg === 'reloaded the TLS certificate');
      assert.equal(logged?.fingerprint256, fingerprintOf(second.cert));

      assert.match(await statusOverSocket(keepAlive), /^HTTP\/1\.1 200/);
      assert.equal(keepAlive.getPeerCertificate().fingerprint256, fingerprintOf(first.cert));

      websocket.send('still here');
      const [echo] = (await once(websocket, 'message')) as [Buffer];
      assert.equal(echo.toString('utf8'), 'still here');
      assert.equal(websocket.readyState, WebSocket.OPEN);
    } finally {
      keepAlive.destroy();
      websocket.terminate();
    }
  });

  void test('invalid files keep the old pair', async () => {
    const [, second, third] = pairs;
    assert.ok(second !== undefined, 'the second certificate pair is missing');
    assert.ok(third !== undefined, 'the third certificate pair is missing');
    const port = running.front.httpsPort;
    const rejectedBefore = running.logLines.filter((line) => line.msg === 'the new TLS files are invalid, so the front keeps its current certificate').length;

    // A key of another pair: the files parse but do not match.
    await replaceFile(path.join(temporary.folder, 'archive', 'key2.pem'), third.keyFile);
    assert.equal(await running.front.reloadCertificate(), 'rejected');
    assert.equal(await servedFingerprint(port), fingerprintOf(second.cert));

    // A certificate file without PEM.
    await writeFile(path.join(temporary.folder, 'garbage.pem'), 'not a certificate\n');
    await replaceFile(path.join(temporary.folder, 'archive', 'cert2.pem'), path.join(temporary.folder, 'garbage.pem'));
    assert.equal(await running.front.reloadCertificate(), 'rejected');
    await waitForLog(running, 'the new TLS files are invalid, so the front keeps its current certificate', rejectedBefore + 2);
    assert.equal(await servedFingerprint(port), fingerprintOf(second.cert));
  });

  void test('fixed files are picked up', async () => {
    const [, , third] = pairs;
    assert.ok(third !== undefined);
    await replaceFile(path.join(temporary.folder, 'archive', 'cert2.pem'), third.certFile);
    await waitForLog(running, 'reloaded the TLS certificate', 2);
    assert.equal(await servedFingerprint(running.front.httpsPort), fingerprintOf(third.cert));
    // Reloads run one at a time, so this one reads the files after the watcher's reload finished.
    assert.equal(await running.front.reloadCertificate(), 'unchanged');
  });

  void test('a renewed certificate with a new name lets that name pass the Host check', async () => {
    const host = 'renewed-name.example';
    const hostRequest = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: running.front.httpsPort, servername: 'localhost', rejectUnauthorized: false });
        socket.once('error', reject);
        socket.once('secureConnect', () => {
          socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basicHeader(testUser, testPassword)}\r\nConnection: close\r\n\r\n`);
        });
        socket.once('data', (chunk: Buffer) => {
          resolve(Number(chunk.toString('latin1').split(' ')[1]));
          socket.destroy();
        });
      });
    assert.equal(await hostRequest(), 421);

    const renewed = await generateSelfSignedCertificate({ dnsNames: ['localhost', host], ipAddresses: ['127.0.0.1'] });
    const archive = path.join(temporary.folder, 'archive');
    await writeFile(path.join(archive, 'renewed-key.pem'), renewed.keyPem);
    await writeFile(path.join(archive, 'renewed-cert.pem'), renewed.certPem);
    await replaceFile(path.join(archive, 'key2.pem'), path.join(archive, 'renewed-key.pem'));
    await replaceFile(path.join(archive, 'cert2.pem'), path.join(archive, 'renewed-cert.pem'));
    await waitForLog(running, 'reloaded the TLS certificate', 3);
    assert.equal(await hostRequest(), 200);
  });
});
