import { isIPv4 } from 'node:net';

/**
 * True for a loopback peer address: 127.0.0.0/8, ::1, or 127.x.x.x mapped into IPv6 (::ffff:127.x.x.x).
 * Anything else, including an undefined address of a destroyed socket, is not loopback.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) {
    return false;
  }
  if (address === '::1') {
    return true;
  }
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}
