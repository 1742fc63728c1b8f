import { createAuditLog } from '../audit/index.js';
import { createIdentityResolver, ensureDataDir, loadOrCreateProxySecret, secretsEqual } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { NodeTypeCatalog } from '../domain/index.js';
import { Hub } from '../hub/hub.js';
import { createLogger } from '../log/logger.js';
import { moteinoCodec } from '../radio/moteino/index.js';
import { SerialLink } from '../radio/serial-link.js';
import { createConfigReloader } from './config-reload.js';
import { untilStopSignal } from './process-lifecycle.js';

/** `gatehouse hub`: run until SIGINT or SIGTERM, then stop cleanly. */
export async function runHub(options: { config?: string; radioPort?: string }): Promise<void> {
  const { config, file, dataDir } = loadConfig(options.config);
  const logger = createLogger({ level: config.log.level }, { process: 'hub' });
  const stopped = untilStopSignal(logger);

  await ensureDataDir(dataDir);
  const secret = await loadOrCreateProxySecret(dataDir);
  const audit = createAuditLog(dataDir, 'hub', logger);
  const radioPort = options.radioPort ?? config.radio.port;
  const link = new SerialLink({ path: radioPort, baudRate: config.radio.baudRate, logger: logger.child({ component: 'link' }) });
  const hub = new Hub({
    port: config.hub.port,
    pingIntervalMs: config.hub.pingIntervalSeconds * 1000,
    gateways: [{ name: 'radio', dialect: config.radio.dialect, link, codec: moteinoCodec({ gatewayId: config.radio.gatewayId }) }],
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
  logger.info({ port: hub.port, radioPort, dataDir }, 'hub started');

  // SIGHUP (from `systemctl reload` or the supervisor) reloads the config file. Without a handler
  // the signal would end the process.
  const onHangup = createConfigReloader({
    file,
    reader: 'hub',
    initial: config,
    logger,
    overridden: options.radioPort === undefined ? [] : ['radio.port'],
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
