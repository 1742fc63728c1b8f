import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { startTestFront, type TestFront } from './front-harness.js';
import { createTemporaryFolder, findClosedPort } from './helpers.js';
import { createRsaSelfSigned, negotiated, opensslHandshake } from './openssl.js';

/** Debian's OpenSSL offers TLS 1.0 and 1.1 only at security level 0. */
const legacyClient = ['-cipher', 'DEFAULT:@SECLEVEL=0'];

/** True when the front logged a failed handshake with this OpenSSL error code. */
function loggedHandshakeError(running: TestFront, code: string): boolean {
  return running.logLines.some((line) => line.msg === 'TLS handshake failed' && line.code === code);
}

void describe('TLS profile with the EC certificate', () => {
  let running: TestFront;

  before(async () => {
    running = await startTestFront(await findClosedPort());
  });
  after(() => running.close());

  for (const flag of ['-tls1', '-tls1_1']) {
    void test(`server rejects ${flag}`, async () => {
      const result = await opensslHandshake(running.front.httpsPort, [flag, ...legacyClient]);
      assert.notEqual(result.code, 0);
      // The alert comes from the server, so the client did offer the old version.
      assert.match(result.output, /alert protocol version/);
      assert.equal(negotiated(result.output), null);
      assert.ok(loggedHandshakeError(running, 'ERR_SSL_UNSUPPORTED_PROTOCOL'));
    });
  }

  void test('TLS 1.2 uses ECDHE with AEAD', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_2']);
    assert.equal(result.code, 0, result.output);
    assert.equal(negotiated(result.output)?.protocol, 'TLSv1.2');
    assert.match(negotiated(result.output)?.cipher ?? '', /^ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  void test('TLS 1.3 succeeds', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_3']);
    assert.equal(result.code, 0, result.output);
    assert.equal(negotiated(result.output)?.protocol, 'TLSv1.3');
  });

  void test('TLS 1.2 CBC suite fails', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA']);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /alert handshake failure/);
    assert.ok(loggedHandshakeError(running, 'ERR_SSL_NO_SHARED_CIPHER'));
  });

  void test('TLS 1.2 ChaCha20 succeeds', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305']);
    assert.equal(result.code, 0, result.output);
    assert.equal(negotiated(result.output)?.cipher, 'ECDHE-ECDSA-CHACHA20-POLY1305');
  });

  for (const curve of ['X25519', 'P-256', 'P-384']) {
    void test(`curve ${curve} accepted`, async () => {
      const result = await opensslHandshake(running.front.httpsPort, ['-tls1_3', '-groups', curve]);
      assert.equal(result.code, 0, result.output);
    });
  }

  void test('curve P-521 rejected', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_3', '-groups', 'P-521']);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /alert handshake failure/);
  });
});

void describe('TLS profile with an RSA certificate', () => {
  let running: TestFront;
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    const temporary = await createTemporaryFolder();
    removeFolder = temporary.remove;
    const files = await createRsaSelfSigned(temporary.folder);
    const overrides = { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8') };
    running = await startTestFront(await findClosedPort(), { overrides });
  });
  after(async () => {
    await running.close();
    await removeFolder();
  });

  // With an RSA certificate, Node's default list accepts each of these but the DHE suite, which also
  // needs DH parameters that Node does not set. So each failure comes from the profile.
  const rejected = [
    ['RSA key exchange, CBC', 'AES128-SHA'],
    ['RSA key exchange, GCM', 'AES128-GCM-SHA256'],
    ['ECDHE with CBC', 'ECDHE-RSA-AES128-SHA'],
    ['ECDHE with CBC-SHA256', 'ECDHE-RSA-AES128-SHA256'],
    ['DHE with GCM', 'DHE-RSA-AES128-GCM-SHA256'],
  ];
  for (const [name, cipher] of rejected) {
    void test(`rejects ${name}`, async () => {
      const result = await opensslHandshake(running.front.httpsPort, ['-tls1_2', '-cipher', cipher ?? '']);
      assert.notEqual(result.code, 0);
      assert.match(result.output, /alert handshake failure/);
      assert.equal(negotiated(result.output), null);
    });
  }

  void test('accepts ECDHE-RSA with GCM', async () => {
    const result = await opensslHandshake(running.front.httpsPort, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256']);
    assert.equal(result.code, 0, result.output);
    assert.equal(negotiated(result.output)?.cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
  });
});
