import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { basicHeader, hashedAssetName, indexHtml, requestHttps, startStandInHub, startTestFront, testPassword, testUser, type StandInHub, type TestFront } from './front-harness.js';
import { findClosedPort } from './helpers.js';

const expectedPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void describe('front HTTPS server', () => {
  let hub: StandInHub;
  let running: TestFront;
  const goodAuth = { authorization: basicHeader(testUser, testPassword) };

  before(async () => {
    hub = await startStandInHub();
    running = await startTestFront(hub.port);
  });
  after(async () => {
    await running.close();
    await hub.close();
  });

  void test('serves the generated certificate', async () => {
    const peerCertificate = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: running.front.httpsPort, ca: running.cert, servername: 'localhost' }, () => {
        const raw = socket.getPeerX509Certificate();
        socket.end();
        if (raw === undefined) {
          reject(new Error('no peer certificate'));
          return;
        }
        resolve(raw);
      });
      socket.on('error', reject);
    });
    assert.equal(peerCertificate.fingerprint256, new X509Certificate(running.cert).fingerprint256);
    assert.match(peerCertificate.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.equal((await stat(running.keyFile)).mode & 0o777, 0o600);
  });

  void test('rejects TLS 1.1', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: running.front.httpsPort, ca: running.cert, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => {
        socket.end();
        resolve('connected');
      });
      socket.on('error', (error: Error) => resolve(error.message));
    });
    assert.notEqual(outcome, 'connected');
  });

  void test('401 without credentials', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/' });
    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Basic realm="Gatehouse", charset="UTF-8"');
    assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
  });

  void test('401 with a wrong password', async () => {
    const before = running.logLines.length;
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/api/nodes',
      headers: { authorization: basicHeader(testUser, 'wrong password') },
    });
    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Basic realm="Gatehouse", charset="UTF-8"');
    assert.equal(hub.requests.length, 0);

    const warnings = running.logLines.slice(before).filter((line) => line.msg === 'login failed');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.user, testUser);
    assert.equal(warnings[0]?.client, '127.0.0.1');
    assert.ok(!JSON.stringify(running.logLines).includes('wrong password'));
  });

  void test('401 with malformed credentials', async () => {
    const malformed = [
      'Basic',
      'Basic ',
      'Bearer abc',
      'Basic !!!!',
      'Basic YWxpY2U=',
      `Basic ${Buffer.from(':nouser').toString('base64')}`,
      `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`,
      `Basic ${Buffer.from(`${testUser}:${testPassword}`).toString('base64').replace(/=+$/, '')}x`,
      `Basic ${'A'.repeat(5000)}`,
      basicHeader(testUser, testPassword).replace('Basic', 'Basic\t'),
    ];
    for (const authorization of malformed) {
      const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: { authorization } });
      assert.equal(response.status, 401, authorization.slice(0, 40));
    }
  });

  void test('200 with the right credentials', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: goodAuth });
    assert.equal(response.status, 200);
    assert.equal(response.body, indexHtml);
    assert.match(String(response.headers['content-type']), /text\/html/);
  });

  void test('serves assets', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/assets/app.js', headers: goodAuth });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'console.log("ui");\n');
  });

  void test('hashed assets cached for a year', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: `/assets/${hashedAssetName}`, headers: goodAuth });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'console.log("hashed");\n');
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  void test('a browser that accepts brotli gets the compressed copy, cached alike', async () => {
    const path = `/assets/${hashedAssetName}`;
    const compressed = await requestHttps(running.front.httpsPort, running.cert, { path, headers: { ...goodAuth, 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(compressed.status, 200);
    assert.equal(compressed.headers['content-encoding'], 'br');
    assert.match(String(compressed.headers.vary), /accept-encoding/i);
    assert.match(String(compressed.headers['content-type']), /javascript/);
    assert.equal(compressed.headers['cache-control'], 'public, max-age=31536000, immutable');
    // The index has no compressed copy here; a browser that accepts brotli still gets the page.
    for (const page of ['/', '/index.html']) {
      const index = await requestHttps(running.front.httpsPort, running.cert, { path: page, headers: { ...goodAuth, 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(index.status, 200, page);
    }
    const plain = await requestHttps(running.front.httpsPort, running.cert, { path, headers: goodAuth });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, 'console.log("hashed");\n');
  });

  void test('index and manifest revalidated', async () => {
    for (const file of ['/', '/index.html', '/manifest.webmanifest', '/assets/app.js']) {
      const response = await requestHttps(running.front.httpsPort, running.cert, { path: file, headers: goodAuth });
      assert.equal(response.status, 200, file);
      assert.equal(response.headers['cache-control'], 'no-cache', file);
    }
  });

  void test('manifest has its media type', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/manifest.webmanifest', headers: goodAuth });
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^application\/manifest\+json/);
  });

  void test('404 JSON for an unknown file', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, { path: '/missing.js', headers: goodAuth });
    assert.equal(response.status, 404);
    assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'ROUTE_NOT_FOUND');
  });

  void test('security headers on every response', async () => {
    const responses = [
      await requestHttps(running.front.httpsPort, running.cert, { path: '/' }),
      await requestHttps(running.front.httpsPort, running.cert, { path: '/', headers: goodAuth }),
      await requestHttps(running.front.httpsPort, running.cert, { path: '/missing.js', headers: goodAuth }),
      await requestHttps(running.front.httpsPort, running.cert, { path: '/api/nodes', headers: goodAuth }),
    ];
    for (const response of responses) {
      assert.equal(response.headers['content-security-policy'], expectedPolicy, `status ${response.status}`);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['strict-transport-security'], undefined);
    }
  });
});

void describe('front without a built UI', () => {
  let running: TestFront;

  before(async () => {
    running = await startTestFront(await findClosedPort(), { withWebRoot: false });
  });
  after(() => running.close());

  void test('503 page names the build', async () => {
    const response = await requestHttps(running.front.httpsPort, running.cert, {
      path: '/',
      headers: { authorization: basicHeader(testUser, testPassword) },
    });
    assert.equal(response.status, 503);
    assert.match(String(response.headers['content-type']), /text\/plain/);
    assert.match(response.body, /npm run build/);
  });
});
