import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Letters, digits and hyphens in dot-separated labels of 1 to 63 characters (RFC 1123 section 2.1). */
const hostNamePattern = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Names and addresses a generated certificate lists in its subjectAltName. */
export interface SubjectNames {
  dnsNames: string[];
  ipAddresses: string[];
}

/**
 * Collect localhost, this host's name and every address of every network interface, so that a
 * browser reaching the Pi by any of them sees a certificate that matches the URL it typed.
 */
export function collectSubjectNames(): SubjectNames {
  const dnsNames = new Set<string>(['localhost']);
  const ipAddresses = new Set<string>(['127.0.0.1', '::1']);

  // Only a syntactically valid host name goes in, because the name is also written into the openssl
  // -subj and -addext arguments, where "/" and "," are separators.
  const ownName = hostname().trim().toLowerCase();
  if (hostNamePattern.test(ownName) && isIP(ownName) === 0) {
    dnsNames.add(ownName);
  }

  for (const addresses of Object.values(networkInterfaces())) {
    for (const entry of addresses ?? []) {
      // Link-local IPv6 addresses may carry a zone suffix ("fe80::1%eth0"). An IP SAN contains only
      // the address bytes, so the zone is dropped.
      const address = entry.address.split('%')[0] ?? '';
      if (isIP(address) !== 0) {
        ipAddresses.add(address);
      }
    }
  }

  return { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] };
}
