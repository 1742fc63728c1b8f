import { X509Certificate } from 'node:crypto';

import { canonicalAddress } from './ip-address.js';

/**
 * DNS names and IP addresses in the subjectAltName of the first certificate of a PEM chain. Values
 * that Node prints quoted (names with unusual characters) are skipped.
 *
 * NOTE: a wildcard name ("*.example.org") is returned as it is, and AllowedHosts matches names
 * exactly, so hosts under a wildcard certificate need front.publicOrigins.
 */
export function certificateNames(pem: string): string[] {
  const subjectAltName = new X509Certificate(pem).subjectAltName ?? '';
  const names: string[] = [];
  for (const entry of subjectAltName.split(', ')) {
    if (entry.startsWith('DNS:')) {
      names.push(entry.slice('DNS:'.length).toLowerCase());
    } else if (entry.startsWith('IP Address:')) {
      const address = canonicalAddress(entry.slice('IP Address:'.length));
      if (address !== null) {
        names.push(address);
      }
    }
  }
  return names.filter((name) => !name.startsWith('"'));
}
