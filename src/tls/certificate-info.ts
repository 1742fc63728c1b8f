import { X509Certificate } from 'node:crypto';

/**
 * True when the first certificate in `pem` signs itself: its issuer equals its subject and its own
 * public key verifies its signature. A certificate from a CA, Let's Encrypt included, is false.
 */
export function isSelfSigned(pem: string): boolean {
  const certificate = new X509Certificate(pem);
  return certificate.issuer === certificate.subject && certificate.verify(certificate.publicKey);
}
