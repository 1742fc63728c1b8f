import { fileURLToPath } from 'node:url';
import { createAuditLog } from '../audit/index.js';
import { createHtpasswdVerifier, createTokenVerifier, ensureDataDir, loadOrCreateProxySecret } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { startFront } from '../front/index.js';
import { createLogger } from '../log/logger.js';
import { ensureCertificate } from '../tls/index.js';
import { createConfigReloader } from './config-reload.js';
import { untilStopSignal } from './process-lifecycle.js';

/** The built web UI: dist/web beside dist/server, where `npm run build` puts it. */
const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));

/** `gatehouse front`: run until SIGINT or SIGTERM, then stop cleanly. */
export async function runFront(options: { config?: string }): Promise<void> {
  const { config, file, dataDir } = loadConfig(options.config);
  const logger = createLogger({ level: config.log.level }, { process: 'front' });
  const stopped = untilStopSignal(logger);

  await ensureDataDir(dataDir);
  const audit = createAuditLog(dataDir, 'front', logger.child({ component: 'audit' }));
  const certificate = await ensureCertificate({
    dataDir,
    ...(config.front.certFile === undefined ? {} : { certFile: config.front.certFile }),
    ...(config.front.keyFile === undefined ? {} : { keyFile: config.front.keyFile }),
    logger: logger.child({ component: 'tls' }),
  });
  const front = await startFront({
    listenAddress: config.front.listenAddress,
    httpPort: config.front.httpPort,
    httpsPort: config.front.httpsPort,
    cert: certificate.cert,
    key: certificate.key,
    certificateFiles: { certFile: certificate.certFile, keyFile: certificate.keyFile, generated: config.front.certFile === undefined },
    hsts: config.front.hsts,
    acmeWebroot: config.front.acmeWebroot,
    hub: { host: '127.0.0.1', port: config.hub.port },
    proxySecret: await loadOrCreateProxySecret(dataDir),
    verifier: createHtpasswdVerifier(dataDir, logger),
    tokens: createTokenVerifier(dataDir, logger),
    audit,
    publicOrigins: config.front.publicOrigins,
    trustedProxies: config.front.trustedProxies,
    session: config.front.session,
    loginLimits: config.front.loginLimits,
    webRoot,
    logger: logger.child({ component: 'front' }),
  });
  logger.info({ httpsPort: front.httpsPort, httpPort: front.httpPort }, 'front started');

  // SIGHUP reloads the certificate, as for nginx, so certbot's deploy hook can send it. It also
  // reloads the config file, of which only log.level applies without a restart.
  const reloadConfig = createConfigReloader({ file, reader: 'front', initial: config, logger });
  const onHangup = (): void => {
    reloadConfig();
    void front.reloadCertificate();
  };
  process.on('SIGHUP', onHangup);

  await stopped;
  process.off('SIGHUP', onHangup);
  await front.close();
  await audit.close();
  logger.info('front stopped');
}
