import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { isGatehouseError } from '../../src/errors/index.js';
import { ensureCertificate, generatedValidityDays } from '../../src/tls/index.js';
import { createCapturingLogger, createTemporaryFolder } from './helpers.js';

void describe('ensureCertificate', () => {
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
  });
  after(() => removeFolder());

  void test('generates a pair on first start', async () => {
    const { logger, lines } = createCapturingLogger();
    const pair = await ensureCertificate({ dataDir: folder, logger });

    assert.equal(pair.generated, true);
    assert.equal(pair.certFile, path.join(folder, 'tls', 'cert.pem'));
    assert.equal(pair.keyFile, path.join(folder, 'tls', 'key.pem'));

    const certificate = new X509Certificate(pair.cert);
    const publicKey = certificate.publicKey.export({ format: 'jwk' });
    assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
    assert.equal(publicKey.crv, 'P-256');
    assert.equal(certificate.ca, false);

    const san = certificate.subjectAltName ?? '';
    assert.match(san, /DNS:localhost/);
    assert.ok(san.includes(`DNS:${hostname().toLowerCase()}`), san);
    assert.match(san, /IP Address:127\.0\.0\.1/);
    assert.match(san, /IP Address:0:0:0:0:0:0:0:1/);

    const validDays = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    assert.ok(Math.abs(validDays - generatedValidityDays) < 1, `valid for ${validDays} days`);

    const logged = lines.find((line) => line.fingerprint256 !== undefined);
    assert.equal(logged?.fingerprint256, certificate.fingerprint256);
    assert.ok(!JSON.stringify(lines).includes('PRIVATE KEY'));
  });

  void test('sets owner-only file modes', async () => {
    const folderMode = (await stat(path.join(folder, 'tls'))).mode & 0o777;
    const keyMode = (await stat(path.join(folder, 'tls', 'key.pem'))).mode & 0o777;
    const certMode = (await stat(path.join(folder, 'tls', 'cert.pem'))).mode & 0o777;
    assert.equal(folderMode, 0o700);
    assert.equal(keyMode, 0o600);
    assert.equal(certMode, 0o644);
  });

  void test('reuses the pair on later starts', async () => {
    const { logger } = createCapturingLogger();
    const first = await ensureCertificate({ dataDir: folder, logger });
    const second = await ensureCertificate({ dataDir: folder, logger });
    assert.equal(first.generated, false);
    assert.equal(second.cert, first.cert);
    assert.equal(second.key, first.key);
  });

  void test('replaces an expired pair', async () => {
    const { logger } = createCapturingLogger();
    const current = await ensureCertificate({ dataDir: folder, logger });
    const later = new Date(Date.now() + (generatedValidityDays + 1) * 86_400_000);
    const renewed = await ensureCertificate({ dataDir: folder, logger, now: () => later });
    assert.equal(renewed.generated, true);
    assert.notEqual(renewed.cert, current.cert);
  });

  void test('reads configured files', async () => {
    const { logger } = createCapturingLogger();
    const generated = await ensureCertificate({ dataDir: folder, logger });
    const configured = await ensureCertificate({
      dataDir: path.join(folder, 'unused'),
      certFile: generated.certFile,
      keyFile: generated.keyFile,
      logger,
    });
    assert.equal(configured.generated, false);
    assert.equal(configured.cert, generated.cert);
  });

  void test('names an unreadable configured file', async () => {
    const { logger } = createCapturingLogger();
    const missing = path.join(folder, 'missing.pem');
    const generated = await ensureCertificate({ dataDir: folder, logger });
    await assert.rejects(
      ensureCertificate({ dataDir: folder, certFile: missing, keyFile: generated.keyFile, logger }),
      (error: unknown) => isGatehouseError(error) && error.code === 'CONFIG_INVALID' && error.message.includes(missing),
    );
  });

  void test('rejects a configured key of another pair', async () => {
    const { logger } = createCapturingLogger();
    const other = await createTemporaryFolder();
    try {
      const first = await ensureCertificate({ dataDir: folder, logger });
      const second = await ensureCertificate({ dataDir: other.folder, logger });
      await assert.rejects(
        ensureCertificate({ dataDir: folder, certFile: first.certFile, keyFile: second.keyFile, logger }),
        (error: unknown) => isGatehouseError(error) && error.message.includes(second.keyFile),
      );
    } finally {
      await other.remove();
    }
  });

  void test('rejects a configured file without PEM', async () => {
    const { logger } = createCapturingLogger();
    const garbage = path.join(folder, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n');
    const generated = await ensureCertificate({ dataDir: folder, logger });
    await assert.rejects(
      ensureCertificate({ dataDir: folder, certFile: garbage, keyFile: generated.keyFile, logger }),
      (error: unknown) => isGatehouseError(error) && error.message.includes(garbage),
    );
  });
});
