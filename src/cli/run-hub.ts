import { createAuditLog } from '../audit/index.js';
import { createIdentityResolver, ensureDataDir, loadOrCreateProxySecret, secretsEqual } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { NodeTypeCatalog } from '../domain/index.js';
import { Hub } from '../hub/hub.js';
import { createLogger } from '../log/logger.js';
import { createConfigReloader } from './config-reload.js';
import { untilStopSignal } from './process-lifecycle.js';
import { createRadioGateways } from './radio-gateways.js';

/** `gatehouse hub`: run until SIGINT or SIGTERM, then stop cleanly. */
export async function runHub(options: { config?: string; radioPort?: string }): Promise<void> {
  const { config, file, dataDir } = loadConfig(options.config);
  const logger = createLogger({ level: config.log.level }, { process: 'hub' });
  const stopped = untilStopSignal(logger);

  await ensureDataDir(dataDir);
  const secret = await loadOrCreateProxySecret(dataDir);
  const audit = createAuditLog(dataDir, 'hub', logger);
  const gateways = createRadioGateways(config.radio, {
    ...(options.radioPort === undefined ? {} : { firstPort: options.radioPort }),
    dataDir,
    logger,
  });
  const hub = new Hub({
    port: config.hub.port,
    pingIntervalMs: config.hub.pingIntervalSeconds * 1000,
    gateways,
    roles: createIdentityResolver(dataDir, logger),
    dataDir,
    audit,
    secretMatches: (presented) => secretsEqual(presented, secret),
    logger,
    nodeTypes: new NodeTypeCatalog(config.nodeTypes, config.nodes),
    commands: config.commands,
    history: config.history,
  });
  await hub.start();
  const radioPorts = gateways.map((gateway) => gateway.link.status().port);
  logger.info({ port: hub.port, radioPort: radioPorts[0], radioPorts, dataDir }, 'hub started');

  // A single gateway's keys read `radio.port`, those of a list `radio.0.port` (see flattenConfig).
  const overridden: string[] = [];
  if (options.radioPort !== undefined) {
    overridden.push(config.radio.length === 1 ? 'radio.port' : 'radio.0.port');
  }

  // SIGHUP (from `systemctl reload` or the supervisor) reloads the config file. Without a handler
  // the signal would end the process.
  const onHangup = createConfigReloader({
    file,
    reader: 'hub',
    initial: config,
    logger,
    overridden,
    apply: (next, keys) => {
      if (keys.includes('hub.pingIntervalSeconds')) {
        hub.setPingInterval(next.hub.pingIntervalSeconds * 1000);
      }
    },
  });
  process.on('SIGHUP', onHangup);

  await stopped;
  process.off('SIGHUP', onHangup);
  await hub.stop();
  await audit.close();
  logger.info('hub stopped');
}
