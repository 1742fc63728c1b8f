import type { Server } from 'node:http';

import { GatehouseError } from '../errors/index.js';
import { isSelfSigned } from '../tls/certificate-info.js';

/** front.hsts from the config. */
export interface HstsSettings {
  enabled: boolean;
  maxAgeSeconds: number;
}

/**
 * Returns the Strict-Transport-Security value to send, or null when HSTS is off. Throws
 * CONFIG_INVALID when HSTS is on and the certificate is self-signed (generated, or its own issuer).
 * A browser that has seen HSTS gives its user no way to accept a replaced self-signed certificate
 * (RFC 6797 section 12.1), so everyone would be locked out until max-age runs out.
 */
export function hstsHeaderValue(settings: HstsSettings | undefined, cert: string, generated: boolean): string | null {
  if (settings?.enabled !== true) {
    return null;
  }
  if (generated || isSelfSigned(cert)) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      'front.hsts.enabled is true, but the certificate is self-signed; set front.certFile and front.keyFile to a certificate from a CA (such as Let\'s Encrypt), or set front.hsts.enabled to false',
      { context: { key: 'front.hsts.enabled', generated } },
    );
  }
  return `max-age=${settings.maxAgeSeconds}`;
}

/**
 * Add the header to every response of the HTTPS server. The listener runs before fastify's, so
 * responses that fastify's hooks end early (401) or that the hub proxy writes (502) carry it too.
 * RFC 6797 section 8.1 has browsers ignore it over plain HTTP, so the redirect port never sends it.
 */
export function addHstsHeader(server: Server, value: string): void {
  server.prependListener('request', (_request, response) => {
    response.setHeader('strict-transport-security', value);
  });
}
