import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Result of one `openssl s_client` handshake: its exit code and its stdout and stderr together. */
export interface HandshakeResult {
  code: number;
  output: string;
}

/**
 * Run `openssl s_client` against 127.0.0.1:port with extra arguments. Its standard input is closed
 * at once, so it performs one handshake and exits. Bounded by a 10 s timeout.
 */
export function opensslHandshake(port: number, args: string[]): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args],
      { timeout: 10_000 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error !== null) {
          // A number is the exit code; a string such as "ETIMEDOUT" means openssl did not finish.
          code = typeof error.code === 'number' ? error.code : -1;
        }
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
    child.stdin?.end();
  });
}

/** Extract the protocol and cipher that s_client reports, such as "TLSv1.3" and "TLS_AES_256_GCM_SHA384". */
export function negotiated(output: string): { protocol: string; cipher: string } | null {
  const match = /New, (TLSv[0-9.]+), Cipher is (\S+)/.exec(output);
  return match === null ? null : { protocol: match[1] ?? '', cipher: match[2] ?? '' };
}

async function openssl(args: string[]): Promise<void> {
  await execFileAsync('openssl', args, { timeout: 30_000 });
}

/** Files of a certificate and its key. */
export interface PairFiles {
  certFile: string;
  keyFile: string;
}

/** Write a self-signed RSA 2048 certificate for localhost and 127.0.0.1 into `folder`. */
export async function createRsaSelfSigned(folder: string, name = 'rsa'): Promise<PairFiles> {
  const certFile = path.join(folder, `${name}-cert.pem`);
  const keyFile = path.join(folder, `${name}-key.pem`);
  await openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { certFile, keyFile };
}

/**
 * Write a test CA and an EC P-256 leaf it signs for `names` (subjectAltName entries such as
 * "DNS:localhost"). Returns the leaf's files and the CA certificate's PEM file.
 */
export async function createCaSignedPair(folder: string, name: string, names: string[]): Promise<PairFiles & { caFile: string }> {
  const caFile = path.join(folder, `${name}-ca.pem`);
  const caKey = path.join(folder, `${name}-ca-key.pem`);
  const certFile = path.join(folder, `${name}-cert.pem`);
  const keyFile = path.join(folder, `${name}-key.pem`);
  const requestFile = path.join(folder, `${name}.csr`);
  const extensionsFile = path.join(folder, `${name}.ext`);

  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', `/CN=Test CA ${name}`]);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', requestFile, '-subj', '/CN=localhost']);
  await writeFile(extensionsFile, `subjectAltName=${names.join(',')}\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await openssl(['x509', '-req', '-in', requestFile, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', extensionsFile]);
  return { certFile, keyFile, caFile };
}
