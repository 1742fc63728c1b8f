import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { readCertificatePair } from './read-pair.js';
import { generateSelfSignedCertificate } from './self-signed.js';
import { collectSubjectNames } from './subject-names.js';

export interface EnsureCertificateOptions {
  /** The data directory. A generated pair is stored in `<dataDir>/tls/`. */
  dataDir: string;
  /** PEM certificate (chain) from the config. Set it together with keyFile or not at all. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Logger. A child with `component: "tls"` is made unless it already has that binding. */
  logger: Logger;
  /** Clock for the expiry check. Tests pass a later time to expire the stored pair. */
  now?: () => Date;
}

export interface CertificatePair {
  /** PEM text of the certificate (chain) and of the private key, ready for `tls.createServer`. */
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** True when this call generated a new self-signed pair. */
  generated: boolean;
}

export const generatedCertFileName = 'cert.pem';
export const generatedKeyFileName = 'key.pem';

/**
 * Load the TLS certificate and key the front serves. Configured files are read as they are. Without
 * them, a self-signed pair in `<dataDir>/tls/` is reused, or generated when it is missing or expired.
 * Logs the certificate's SHA-256 fingerprint so a user can compare it with what the browser shows.
 */
export async function ensureCertificate(options: EnsureCertificateOptions): Promise<CertificatePair> {
  const logger = options.logger.bindings().component === 'tls' ? options.logger : options.logger.child({ component: 'tls' });
  const now = options.now?.() ?? new Date();

  const pair =
    options.certFile !== undefined && options.keyFile !== undefined
      ? { ...(await readCertificatePair(options.certFile, options.keyFile)), generated: false }
      : await reuseOrGenerate(path.join(options.dataDir, 'tls'), now, logger);

  const certificate = new X509Certificate(pair.cert);
  logger.info(
    {
      certFile: pair.certFile,
      fingerprint256: certificate.fingerprint256,
      validTo: new Date(certificate.validTo).toISOString(),
      subjectAltName: certificate.subjectAltName,
      generated: pair.generated,
    },
    pair.generated ? 'generated a self-signed TLS certificate' : 'loaded the TLS certificate',
  );
  return pair;
}

async function reuseOrGenerate(folder: string, now: Date, logger: Logger): Promise<CertificatePair> {
  const certFile = path.join(folder, generatedCertFileName);
  const keyFile = path.join(folder, generatedKeyFileName);

  const existing = await readGeneratedPair(certFile, keyFile);
  if (existing !== null) {
    const certificate = new X509Certificate(existing.cert);
    if (new Date(certificate.validTo).getTime() > now.getTime()) {
      return existing;
    }
    logger.warn({ certFile, validTo: certificate.validTo }, 'the generated TLS certificate has expired, so a new one replaces it');
  }

  // NOTE: the SAN lists the names and addresses seen at generation. A pair made before the host got a
  // new address is reused without that address, until <dataDir>/tls is deleted or the pair expires.
  const generated = await generateSelfSignedCertificate(collectSubjectNames());

  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  await writeFileAtomically(keyFile, generated.keyPem, 0o600);
  await writeFileAtomically(certFile, generated.certPem, 0o644);
  return { cert: generated.certPem, key: generated.keyPem, certFile, keyFile, generated: true };
}

/** Returns the stored pair, or null when either file is missing. */
async function readGeneratedPair(certFile: string, keyFile: string): Promise<CertificatePair | null> {
  const cert = await readIfExists(certFile);
  const key = await readIfExists(keyFile);
  if (cert === null || key === null) {
    return null;
  }

  const hint = `delete both ${certFile} and ${keyFile} so that the next start generates a new pair`;
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(cert);
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new GatehouseError('INTERNAL', `the generated TLS pair is damaged (${String(error)}); ${hint}`, {
      cause: error,
      context: { certFile, keyFile },
    });
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new GatehouseError('INTERNAL', `${keyFile} does not match ${certFile}; ${hint}`, { context: { certFile, keyFile } });
  }
  return { cert, key, certFile, keyFile, generated: false };
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

/** Write through a temporary file and rename it, so a crash never leaves half a key behind. */
async function writeFileAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode, flag: 'w' });
  // The umask may have cleared bits of the requested mode, so set it exactly.
  await chmod(temporary, mode);
  await rename(temporary, file);
}
