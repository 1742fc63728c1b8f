import { DEFAULT_CIPHERS, type SecureContextOptions } from 'node:tls';

/**
 * TLS settings of the HTTPS front, following the "intermediate" profile of Mozilla's Server Side TLS
 * guidelines, version 5.7 (wiki.mozilla.org/Security/Server_Side_TLS):
 *
 * - Protocols: TLS 1.2 and TLS 1.3. TLS 1.0 and 1.1 are rejected.
 * - TLS 1.2 suites: forward-secret key exchange with authenticated encryption only, that is ECDHE
 *   with AES-GCM or ChaCha20-Poly1305, for ECDSA and for RSA certificates. The profile also lists
 *   three DHE-RSA suites. They are left out, because they need DH parameters that Node does not set
 *   by default, and every client the profile supports also offers ECDHE.
 * - TLS 1.3 suites: Node's defaults, which are the three suites the profile lists.
 * - Groups for key exchange: X25519, P-256 and P-384.
 * - The client picks the suite (no server preference), because every suite left is strong and the
 *   client knows whether it has hardware AES.
 */
export const tls12Ciphers: readonly string[] = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/**
 * Node hands the names starting with "TLS_" to OpenSSL's TLS 1.3 setting and the rest to the TLS 1.2
 * list. Node's TLS 1.3 defaults are copied in, so the one string states every suite the front accepts.
 */
/** Key exchange groups, in OpenSSL's names: X25519, P-256 and P-384. */
export const tlsCurves: readonly string[] = ['X25519', 'P-256', 'P-384'];

const tls13Ciphers = DEFAULT_CIPHERS.split(':').filter((name) => name.startsWith('TLS_'));

/** Options for `https.createServer` and `setSecureContext`. Spread them next to the cert and key. */
export const tlsProfile = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: [...tls13Ciphers, ...tls12Ciphers].join(':'),
  ecdhCurve: tlsCurves.join(':'),
  honorCipherOrder: false,
} as const satisfies SecureContextOptions;
