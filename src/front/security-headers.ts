/**
 * Headers on every HTTPS response. The UI loads nothing from other origins, so the policy allows
 * only 'self' (and data: images). HSTS is left out on purpose: with a self-signed certificate it
 * would lock browsers out after the certificate is replaced.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
