import path from 'node:path';
import { createLogger } from '../log/logger.js';
import { startSimulator } from '../radio/simulator/index.js';
import { untilStopSignal } from './process-lifecycle.js';

/** `gatehouse simulate`: a simulated radio gateway until SIGINT or SIGTERM. */
export async function runSimulate(options: { device: string; intervalMs: number; dialect: 'moteino' | 'mysensors' }): Promise<void> {
  const logger = createLogger({ level: 'info' }, { process: 'simulate' });
  const stopped = untilStopSignal(logger);
  const simulator = await startSimulator({ devicePath: path.resolve(options.device), intervalMs: options.intervalMs, dialect: options.dialect, logger });
  logger.info({ devicePath: simulator.devicePath, dialect: options.dialect }, 'simulated radio gateway running');
  await stopped;
  await simulator.stop();
}
