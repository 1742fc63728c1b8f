import { isIPv4, isIPv6 } from 'node:net';

/**
 * Canonical text of an IP address, or null when `text` is not one: IPv4 as dotted quad, IPv6
 * compressed and lower-case, and an IPv4-mapped IPv6 address ("::ffff:192.0.2.1", which a
 * dual-stack listener reports for IPv4 peers) as its IPv4 address. Zone ids ("%eth0") are dropped,
 * because they name a local interface, not a peer.
 */
export function canonicalAddress(text: string): string | null {
  if (isIPv4(text)) {
    return text;
  }
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) {
    return null;
  }
  // The WHATWG URL parser compresses an IPv6 literal into its one canonical form (RFC 5952).
  const compressed = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (mapped === null) {
    return compressed;
  }
  const high = Number.parseInt(mapped[1] ?? '0', 16);
  const low = Number.parseInt(mapped[2] ?? '0', 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Returns the peer address of a socket in canonical form, or "unknown" when the socket is already closed. */
export function peerAddressOf(remoteAddress: string | undefined): string {
  return remoteAddress === undefined ? 'unknown' : (canonicalAddress(remoteAddress) ?? remoteAddress);
}
