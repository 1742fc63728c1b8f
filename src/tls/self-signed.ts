import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type { SubjectNames } from './subject-names.js';

const execFileAsync = promisify(execFile);

/**
 * Validity of a generated certificate in days. Browsers limit publicly trusted server certificates
 * to 398 days, and staying a day under that limit keeps clients that apply it to every certificate
 * working too.
 */
export const generatedValidityDays = 397;

/** Timeout of one openssl run. Signing takes milliseconds, so this only stops a hung process. */
const opensslTimeoutMs = 30_000;

export interface GeneratedPair {
  certPem: string;
  keyPem: string;
}

/**
 * Generate a self-signed EC P-256 / ECDSA-SHA-256 server certificate for the given names. Node makes
 * the key, and the `openssl` command (OpenSSL 3.0 or newer) signs the certificate, because Node has no
 * X.509 writer and @peculiar/x509 needs a Reflect polyfill that is not installed.
 */
export async function generateSelfSignedCertificate(names: SubjectNames): Promise<GeneratedPair> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  // mkdtemp creates the folder with mode 0700, so the key is never readable by other users.
  const workFolder = await mkdtemp(path.join(tmpdir(), 'gatehouse-tls-'));
  try {
    const keyFile = path.join(workFolder, 'key.pem');
    const certFile = path.join(workFolder, 'cert.pem');
    await writeFile(keyFile, keyPem, { mode: 0o600 });

    await execFileAsync('openssl', opensslArguments(names, keyFile, certFile), { timeout: opensslTimeoutMs });
    const certPem = await readFile(certFile, 'utf8');
    return { certPem, keyPem };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`generating the self-signed TLS certificate with openssl failed: ${reason}`, { cause: error });
  } finally {
    await rm(workFolder, { recursive: true, force: true });
  }
}

function opensslArguments(names: SubjectNames, keyFile: string, certFile: string): string[] {
  const subjectAltName = [
    ...names.dnsNames.map((name) => `DNS:${name}`),
    ...names.ipAddresses.map((address) => `IP:${address}`),
  ].join(',');

  return [
    'req',
    '-x509',
    '-new',
    '-key',
    keyFile,
    '-out',
    certFile,
    '-sha256',
    '-days',
    String(generatedValidityDays),
    '-subj',
    `/O=Gatehouse/CN=${commonNameOf(names)}`,
    // A leaf, not a CA: Firefox rejects a CA certificate presented as a server certificate.
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    `subjectAltName=${subjectAltName}`,
  ];
}

function commonNameOf(names: SubjectNames): string {
  return names.dnsNames.find((name) => name !== 'localhost') ?? 'localhost';
}
