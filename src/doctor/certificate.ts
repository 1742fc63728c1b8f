import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';

import { isSelfSigned } from '../tls/certificate-info.js';
import { type Finding, finding } from './finding.js';

/**
 * Days of validity left below which the doctor warns. certbot renews a certificate once fewer than
 * 30 days are left and tries twice a day, so 21 days left means renewal has failed for over a week.
 */
export const expiryWarningDays = 21;

const dayMs = 24 * 60 * 60 * 1000;

/** The certificate pair the front would serve. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** True for the self-signed pair in `<dataDir>/tls/`, false for front.certFile and front.keyFile. */
  generated: boolean;
}

/** I/O the certificate check needs, injected so tests can pass files and a clock. */
export interface CertificateIo {
  readText(file: string): Promise<string>;
  now(): Date;
}

/** Judges the validity period of a certificate against `now`. */
export function judgeExpiry(validFrom: Date, validTo: Date, now: Date, renewFix: string): Finding {
  const subject = 'TLS certificate validity';
  const until = validTo.toISOString();
  if (now.getTime() < validFrom.getTime()) {
    return finding('fail', 'tls.expiry', subject, `not valid before ${validFrom.toISOString()}, which is later than this host's clock`, 'check the clock (see the clock finding), or renew the certificate');
  }
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / dayMs);
  if (now.getTime() >= validTo.getTime()) {
    return finding('fail', 'tls.expiry', subject, `expired on ${until}`, renewFix);
  }
  if (daysLeft < expiryWarningDays) {
    return finding('warn', 'tls.expiry', subject, `expires on ${until}, in ${daysLeft} days (warning below ${expiryWarningDays})`, renewFix);
  }
  return finding('ok', 'tls.expiry', subject, `valid until ${until} (${daysLeft} days)`);
}

/** Reads the pair and judges readability, the key match, the expiry and the names in the certificate. */
export async function checkCertificate(files: CertificateFiles, hostNames: readonly string[], io: CertificateIo): Promise<Finding[]> {
  const regenerate = `delete ${path.dirname(files.certFile)} so that the next \`gatehouse front\` start generates a new self-signed pair`;
  const certText = await readOrError(io, files.certFile);
  const keyText = await readOrError(io, files.keyFile);

  if (files.generated && isMissing(certText) && isMissing(keyText)) {
    return [finding('ok', 'tls.files', 'TLS certificate', `none in ${path.dirname(files.certFile)} yet: \`gatehouse front\` generates a self-signed pair on its first start`)];
  }

  const findings: Finding[] = [];
  const certificate = parseOrReport(certText, files.certFile, 'certificate', files.generated ? regenerate : 'fix the path or the permissions of front.certFile', findings, (text) => new X509Certificate(text));
  const key = parseOrReport(keyText, files.keyFile, 'private key', files.generated ? regenerate : 'fix the path or the permissions of front.keyFile, or point it at the key that belongs to front.certFile', findings, (text) => createPrivateKey(text));
  if (certificate === null || key === null) {
    return findings;
  }
  findings.push(finding('ok', 'tls.files', 'TLS certificate and key', `${files.certFile} and ${files.keyFile} are readable`));
  findings.push(judgeKeyMatch(certificate, key, files, regenerate));

  const renewFix = files.generated ? regenerate : 'renew the certificate (for certbot: `certbot renew`); the front reloads the new files without a restart';
  findings.push(judgeExpiry(new Date(certificate.validFrom), new Date(certificate.validTo), io.now(), renewFix));
  findings.push(judgeNames(certificate, hostNames, files.generated ? regenerate : 'get a certificate that names it, or reach the site by a name the certificate lists'));
  if (!files.generated && isSelfSigned(certText as string)) {
    findings.push(finding('ok', 'tls.issuer', 'TLS certificate issuer', 'self-signed: browsers ask each user to accept it once'));
  }
  return findings;
}

function judgeKeyMatch(certificate: X509Certificate, key: KeyObject, files: CertificateFiles, regenerate: string): Finding {
  if (certificate.checkPrivateKey(key)) {
    return finding('ok', 'tls.key-match', 'TLS key and certificate', 'the key belongs to the certificate');
  }
  return finding(
    'fail',
    'tls.key-match',
    'TLS key and certificate',
    `${files.keyFile} is not the private key of ${files.certFile}`,
    files.generated ? regenerate : 'point front.certFile and front.keyFile at one matching pair',
  );
}

/** Warns for each host name or address that the certificate does not cover. */
function judgeNames(certificate: X509Certificate, hostNames: readonly string[], fix: string): Finding {
  const subject = 'names in the TLS certificate';
  const missing = hostNames.filter((name) => (isIP(name) === 0 ? certificate.checkHost(name) === undefined : certificate.checkIP(name) === undefined));
  const listed = certificate.subjectAltName ?? '(no subjectAltName)';
  if (missing.length > 0) {
    return finding('warn', 'tls.names', subject, `${missing.join(', ')} not in ${listed}: browsers reaching it by that name reject the certificate`, fix);
  }
  return finding('ok', 'tls.names', subject, `${hostNames.join(', ')} covered by ${listed}`);
}

function describeReadError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') {
    return 'missing';
  }
  if (error.code === 'EISDIR') {
    return 'is a directory, not a file';
  }
  return `cannot read it (${error.code ?? error.message})`;
}

type ReadOutcome = string | NodeJS.ErrnoException;

async function readOrError(io: CertificateIo, file: string): Promise<ReadOutcome> {
  try {
    return await io.readText(file);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

function isMissing(outcome: ReadOutcome): boolean {
  return typeof outcome !== 'string' && outcome.code === 'ENOENT';
}

/** Parses a read file, or adds a fail finding naming the file and returns null. */
function parseOrReport<T>(outcome: ReadOutcome, file: string, what: string, fix: string, findings: Finding[], parse: (text: string) => T): T | null {
  const id = 'tls.files';
  const subject = `TLS ${what} ${file}`;
  if (typeof outcome !== 'string') {
    findings.push(finding('fail', id, subject, describeReadError(outcome), fix));
    return null;
  }
  try {
    return parse(outcome);
  } catch {
    findings.push(finding('fail', id, subject, `does not contain a PEM ${what}${what === 'private key' ? ' (unencrypted)' : ''}`, fix));
    return null;
  }
}
