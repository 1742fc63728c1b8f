import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { CredentialVerifier } from '../auth/types.js';
import type { Logger } from '../log/logger.js';
import { AllowedHosts } from './allowed-hosts.js';
import { CertificateReloader, type ReloadResult } from './certificate-reloader.js';
import { FailedLoginLog } from './failed-login-log.js';
import { addHstsHeader, hstsHeaderValue, type HstsSettings } from './hsts.js';
import { buildHttpsApp } from './https-app.js';
import { createHubProxy, type HubAddress } from './hub-proxy.js';
import { startRedirectServer } from './redirect-server.js';
import { createUpgradeHandler } from './websocket-upgrade.js';

export interface FrontOptions {
  /** Address both listeners bind to (config front.listenAddress). */
  listenAddress: string;
  /** Port of the plain-HTTP redirect server; 0 picks a free port. */
  httpPort: number;
  /** Port of the HTTPS server; 0 picks a free port. */
  httpsPort: number;
  /** PEM certificate (chain) and private key. */
  cert: string;
  key: string;
  /**
   * Files `cert` and `key` were read from. When set, the front reloads them when they change and on
   * `reloadCertificate()`. `generated` marks a self-signed pair that the front made itself.
   */
  certificateFiles?: { certFile: string; keyFile: string; generated: boolean };
  /** Quiet time after a certificate file change before the files are read; default 1000 ms. */
  certificateReloadDebounceMs?: number;
  /** front.hsts; enabling it with a self-signed certificate throws CONFIG_INVALID. */
  hsts?: HstsSettings;
  /** front.acmeWebroot: the redirect port serves ACME challenge files from this folder. */
  acmeWebroot?: string | undefined;
  /** front.publicOrigins: https origins the site is reached at besides the host's own names. */
  publicOrigins?: readonly string[];
  /** The hub's loopback address. */
  hub: HubAddress;
  /** Secret the hub expects in the x-gatehouse-secret header. */
  proxySecret: string;
  verifier: CredentialVerifier;
  /** Folder of the built web UI. When it has no index.html, the front serves a 503 page instead. */
  webRoot: string;
  /** Logger. A child with `component: "front"` is made unless it already has that binding. */
  logger: Logger;
}

export interface RunningFront {
  /** The bound ports, which differ from the options when those were 0. */
  httpsPort: number;
  httpPort: number;
  /** Read the certificate files again and use them for new connections when valid (SIGHUP). */
  reloadCertificate(): Promise<ReloadResult>;
  /** Stop both listeners and end every open connection, websockets included. */
  close(): Promise<void>;
}

/** Start the TLS front: the HTTPS server first, then the redirect server that points at its port. */
export async function startFront(options: FrontOptions): Promise<RunningFront> {
  const logger = options.logger.bindings().component === 'front' ? options.logger : options.logger.child({ component: 'front' });
  const hstsValue = hstsHeaderValue(options.hsts, options.cert, options.certificateFiles?.generated ?? false);
  const failedLogins = new FailedLoginLog(logger);
  const hubProxy = createHubProxy({ hub: options.hub, proxySecret: options.proxySecret, logger });
  const openSockets = new Set<Duplex>();

  const app = await buildHttpsApp({
    cert: options.cert,
    key: options.key,
    verifier: options.verifier,
    failedLogins,
    hubProxy,
    webRoot: options.webRoot,
    logger,
  });
  app.server.on('upgrade', createUpgradeHandler({ verifier: options.verifier, failedLogins, hubProxy, logger, openSockets }));
  if (hstsValue !== null) {
    addHstsHeader(app.server, hstsValue);
  }
  app.server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
    logger.debug({ err: error, code: error.code }, 'TLS handshake failed');
  });

  await app.listen({ host: options.listenAddress, port: options.httpsPort });
  const httpsPort = (app.server.address() as AddressInfo).port;
  const allowedHosts = new AllowedHosts({ publicOrigins: options.publicOrigins ?? [], httpsPort });

  let redirectServer: Server;
  try {
    redirectServer = await startRedirectServer({
      listenAddress: options.listenAddress,
      port: options.httpPort,
      allowedHosts,
      acmeWebroot: options.acmeWebroot,
      logger,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const httpPort = (redirectServer.address() as AddressInfo).port;

  let reloader: CertificateReloader | undefined;
  if (options.certificateFiles !== undefined) {
    reloader = new CertificateReloader({
      server: app.server,
      ...options.certificateFiles,
      cert: options.cert,
      key: options.key,
      hstsEnabled: hstsValue !== null,
      debounceMs: options.certificateReloadDebounceMs,
      logger: logger.child({ component: 'tls' }),
    });
    await reloader.start();
  }
  logger.info({ listenAddress: options.listenAddress, httpsPort, httpPort, hub: options.hub }, 'front listening');

  return {
    httpsPort,
    httpPort,
    reloadCertificate: () => reloader?.reload('request') ?? Promise.resolve('unchanged'),
    async close() {
      reloader?.stop();
      const redirectClosed = new Promise<void>((resolve) => redirectServer.close(() => resolve()));
      redirectServer.closeAllConnections();
      for (const socket of openSockets) {
        socket.destroy();
      }
      await Promise.all([redirectClosed, app.close()]);
    },
  };
}
