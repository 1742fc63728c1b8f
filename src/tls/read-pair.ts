import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { GatehouseError } from '../errors/index.js';

/** PEM text of a certificate (chain) and its private key, with the files they were read from. */
export interface PemPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/**
 * Read a PEM certificate (chain) and its private key, and check that both parse and that the key
 * belongs to the certificate. Throws CONFIG_INVALID naming the file and the fix.
 */
export async function readCertificatePair(certFile: string, keyFile: string): Promise<PemPair> {
  const cert = await readConfiguredFile(certFile, 'front.certFile');
  const key = await readConfiguredFile(keyFile, 'front.keyFile');
  const certificate = parseCertificate(cert, certFile, 'front.certFile');
  const privateKey = parsePrivateKey(key, keyFile, 'front.keyFile');

  if (!certificate.checkPrivateKey(privateKey)) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `front.keyFile "${keyFile}" is not the private key of the certificate in front.certFile "${certFile}"; point both keys at one matching pair`,
      { context: { key: 'front.keyFile', certFile, keyFile } },
    );
  }
  return { cert, key, certFile, keyFile };
}

async function readConfiguredFile(file: string, configKey: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatehouseError(
      'CONFIG_INVALID',
      `cannot read ${configKey} "${file}" (${reason}); fix the path or its permissions, or remove front.certFile and front.keyFile to use a generated self-signed certificate`,
      { cause: error, context: { key: configKey, file } },
    );
  }
}

function parseCertificate(pem: string, file: string, configKey: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new GatehouseError('CONFIG_INVALID', `${configKey} "${file}" does not contain a PEM certificate`, {
      cause: error,
      context: { key: configKey, file },
    });
  }
}

function parsePrivateKey(pem: string, file: string, configKey: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new GatehouseError('CONFIG_INVALID', `${configKey} "${file}" does not contain an unencrypted PEM private key`, {
      cause: error,
      context: { key: configKey, file },
    });
  }
}
