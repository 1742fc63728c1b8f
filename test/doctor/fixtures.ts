import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Bounds each openssl run, which takes milliseconds, so a hung one fails the test instead of blocking it. */
const opensslTimeoutMs = 15_000;

export interface PemFiles {
  certFile: string;
  keyFile: string;
}

function subjectAltName(): string {
  return `subjectAltName=DNS:localhost,DNS:${hostname()},IP:127.0.0.1`;
}

/** Makes a self-signed EC P-256 pair valid from now for `days`, with the key at mode 0600. */
export async function makeCurrentCertificate(folder: string, days: number): Promise<PemFiles> {
  await mkdir(folder, { recursive: true });
  const certFile = path.join(folder, 'cert.pem');
  const keyFile = path.join(folder, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile];
  await execFileAsync('openssl', [...args, '-days', String(days), '-subj', '/CN=localhost', '-addext', subjectAltName()], { timeout: opensslTimeoutMs });
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

/**
 * Makes a self-signed pair that really expired in 2020. `openssl x509` and `openssl req` in OpenSSL
 * 3.0 cannot set a start date in the past, but `openssl ca -selfsign` takes -startdate and -enddate.
 */
export async function makeExpiredCertificate(folder: string): Promise<PemFiles> {
  await mkdir(folder, { recursive: true });
  const keyFile = path.join(folder, 'key.pem');
  const requestFile = path.join(folder, 'request.csr');
  const certFile = path.join(folder, 'cert.pem');
  const configFile = path.join(folder, 'ca.cnf');
  await writeFile(path.join(folder, 'index.txt'), '');
  await writeFile(path.join(folder, 'serial'), '01\n');
  await writeFile(
    configFile,
    [
      '[ca]',
      'default_ca = local',
      '[local]',
      `database = ${path.join(folder, 'index.txt')}`,
      `new_certs_dir = ${folder}`,
      `serial = ${path.join(folder, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const run = (args: string[]): Promise<unknown> => execFileAsync('openssl', args, { timeout: opensslTimeoutMs, cwd: folder });
  await run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
  await chmod(keyFile, 0o600);
  await run(['req', '-new', '-key', keyFile, '-subj', '/CN=localhost', '-addext', subjectAltName(), '-out', requestFile]);
  await run(['ca', '-batch', '-config', configFile, '-selfsign', '-keyfile', keyFile, '-in', requestFile, '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-out', certFile]);
  return { certFile, keyFile };
}
