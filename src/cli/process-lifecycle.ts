import type { Logger } from '../log/logger.js';

/**
 * Resolve on the first SIGINT or SIGTERM. Also log and exit(1) on an uncaught exception or unhandled
 * rejection, because the process state is unknown after one; the supervisor or systemd restarts it.
 */
export function untilStopSignal(logger: Logger): Promise<NodeJS.Signals> {
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception, exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection, exiting');
    process.exit(1);
  });
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      logger.info({ signal }, 'stopping');
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
