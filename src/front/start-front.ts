import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { AuditRecorder } from '../audit/types.js';
import type { CredentialVerifier, TokenVerifier } from '../auth/types.js';
import type { Logger } from '../log/logger.js';
import { AllowedHosts } from './allowed-hosts.js';
import { certificateNames } from './certificate-names.js';
import { CertificateReloader, type ReloadResult } from './certificate-reloader.js';
import { createFrontSecurity, type LoginLimitSettings, type SessionSettings } from './front-security.js';
import { buildHttpsApp } from './https-app.js';
import { addHstsHeader, hstsHeaderValue, type HstsSettings } from './hsts.js';
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
  /** The hub's loopback address. */
  hub: HubAddress;
  /** Secret the hub expects in the x-gatehouse-secret header. */
  proxySecret: string;
  verifier: CredentialVerifier;
  /** Checks `Authorization: Bearer` API tokens; the hub sees such a request as user `token:<name>`. */
  tokens: TokenVerifier;
  /** Receives login, session and token events. */
  audit: AuditRecorder;
  /** front.publicOrigins: https origins the site is reached at besides the host's own names. */
  publicOrigins: readonly string[];
  /** front.trustedProxies: peers whose X-Forwarded-For and Forwarded headers are read. */
  trustedProxies: readonly string[];
  /** front.session: idle and absolute lifetime of session cookies. */
  session: SessionSettings;
  /** front.loginLimits: failed logins before delays, the longest delay and the window. */
  loginLimits: LoginLimitSettings;
  /** Clock for sessions and login limits, in epoch milliseconds; tests pass a fake one. Default Date.now. */
  now?: () => number;
  /** Folder of the built web UI. When it has no index.html, the front serves a 503 page instead. */
  webRoot: string;
  /** Logger. A child with `component: "front"` is made unless it already has that binding. */
  logger: Logger;
  /** How often open websockets are checked against their sessions, in ms. Default 30 s. */
  sessionSweepMs?: number;
}

/** Below front.session.idleMinutes' minimum of one minute, so an open page keeps its session alive. */
const defaultSessionSweepMs = 30_000;

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
  const { authenticator, clientAddresses, sessions } = createFrontSecurity({ ...options, logger, now: options.now ?? Date.now });
  const hubProxy = createHubProxy({ hub: options.hub, proxySecret: options.proxySecret, logger });
  const openSockets = new Map<Duplex, string | null>();
  const closeSessionSockets = (sessionId: string): void => {
    for (const [socket, socketSession] of openSockets) {
      if (socketSession === sessionId) {
        socket.destroy();
      }
    }
  };

  // A websocket lives as long as its session: when the session reaches its absolute lifetime or is
  // evicted, the socket is closed, and the page reconnects with credentials that start a new one.
  const sessionSweep = setInterval(() => {
    const ended = new Set<string>();
    for (const sessionId of new Set(openSockets.values())) {
      if (sessionId !== null && !sessions.keepAlive(sessionId)) {
        ended.add(sessionId);
      }
    }
    for (const sessionId of ended) {
      logger.info({ sessionId }, 'session ended, closing its websockets');
      closeSessionSockets(sessionId);
    }
  }, options.sessionSweepMs ?? defaultSessionSweepMs);
  sessionSweep.unref();

  // The allowed origins include the HTTPS port, which is known only after listen() when it was 0.
  // No request can arrive before then, so the getter never sees the gap.
  const bound: { allowedHosts?: AllowedHosts } = {};
  const getAllowedHosts = (): AllowedHosts => {
    if (bound.allowedHosts === undefined) {
      throw new Error('a request arrived before the HTTPS server was listening');
    }
    return bound.allowedHosts;
  };

  const app = await buildHttpsApp({
    cert: options.cert,
    key: options.key,
    authenticator,
    clientAddresses,
    allowedHosts: getAllowedHosts,
    hubProxy,
    onSessionEnded: closeSessionSockets,
    webRoot: options.webRoot,
    logger,
  });
  app.server.on('upgrade', createUpgradeHandler({ authenticator, clientAddresses, allowedHosts: getAllowedHosts, hubProxy, logger, openSockets }));
  if (hstsValue !== null) {
    addHstsHeader(app.server, hstsValue);
  }
  app.server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
    logger.debug({ err: error, code: error.code }, 'TLS handshake failed');
  });

  await app.listen({ host: options.listenAddress, port: options.httpsPort });
  const httpsPort = (app.server.address() as AddressInfo).port;
  // A reloaded certificate replaces these names (see onReloaded below).
  const allowedHosts = new AllowedHosts({ publicOrigins: options.publicOrigins, httpsPort, certificateNames: certificateNames(options.cert) });
  bound.allowedHosts = allowedHosts;

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
      onReloaded: (cert) => allowedHosts.setCertificateNames(certificateNames(cert)),
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
      clearInterval(sessionSweep);
      reloader?.stop();
      const redirectClosed = new Promise<void>((resolve) => redirectServer.close(() => resolve()));
      redirectServer.closeAllConnections();
      for (const socket of openSockets.keys()) {
        socket.destroy();
      }
      await Promise.all([redirectClosed, app.close()]);
    },
  };
}
