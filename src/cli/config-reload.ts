import { type Config, type ConfigReader, type LiveKey, loadConfig, planReload } from '../config/index.js';
import type { Logger } from '../log/logger.js';

export interface ConfigReloaderOptions {
  /** The file the process started with; null means it found none and reads ./gatehouse.yaml or the defaults again. */
  file: string | null;
  reader: ConfigReader;
  /** The config the process started with. */
  initial: Readonly<Config>;
  /** The process's root logger; its level follows `log.level`, and every child logger follows it. */
  logger: Logger;
  /** Changed keys to leave out of the restart list because a command-line option overrides them. */
  overridden?: readonly string[];
  /** Applies the process's own live keys (log.level is applied here); called only when `keys` is not empty. */
  apply?: (config: Readonly<Config>, keys: readonly LiveKey[]) => void;
}

/**
 * Returns a SIGHUP handler that reads the config file again and applies what can change live. It
 * logs the keys that need a restart, and keeps the running config when the file is unreadable or
 * invalid, so a bad edit cannot stop the process.
 */
export function createConfigReloader(options: ConfigReloaderOptions): () => void {
  const { logger } = options;
  let running = options.initial;

  return () => {
    let next: Readonly<Config>;
    try {
      next = loadConfig(options.file ?? undefined).config;
    } catch (error) {
      // loadConfig's message names the file and lists one problem per line.
      logger.error({ err: error, file: options.file }, 'config reload failed, so the running config stays in effect');
      return;
    }

    const plan = planReload(running, next, options.reader);
    running = plan.running;
    if (plan.live.length > 0) {
      options.apply?.(running, plan.live);
    }

    // The reload is logged while the more verbose of the old and the new level is in effect, so a
    // change from debug to warn still shows which keys changed.
    const newLevel = running.log.level;
    const quieter = plan.live.includes('log.level') && severityOf(logger, newLevel) > severityOf(logger, logger.level);
    if (plan.live.includes('log.level') && !quieter) {
      logger.level = newLevel;
    }
    const overridden = new Set(options.overridden ?? []);
    const restart = plan.restart.filter((key) => !overridden.has(key));
    logger.info({ file: options.file, applied: plan.live }, 'config reloaded');
    if (restart.length > 0) {
      logger.warn({ keys: restart }, `config keys changed, restart to apply: ${restart.join(', ')}`);
    }
    if (plan.otherProcess.length > 0) {
      logger.info({ keys: plan.otherProcess }, `config keys changed that only the ${options.reader === 'hub' ? 'front' : 'hub'} reads`);
    }
    if (quieter) {
      logger.level = newLevel;
    }
  };
}

/** Map a pino level name to its numeric severity. `silent`, which pino does not number, ranks above every level. */
function severityOf(logger: Logger, level: string): number {
  return logger.levels.values[level] ?? Number.POSITIVE_INFINITY;
}
