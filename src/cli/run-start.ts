import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { type ChildSpec, Supervisor } from '../supervisor/supervisor.js';
import { untilStopSignal } from './process-lifecycle.js';

/** `gatehouse start`: supervise hub and front (and a simulated radio gateway with --simulate). */
export async function runStart(options: { config?: string; simulate?: boolean }): Promise<void> {
  // Validate here first, so a config error stops at once with exit code 2 instead of in each child.
  const { config, file, dataDir } = loadConfig(options.config);
  const logger = createLogger({ level: config.log.level }, { process: 'supervisor' });
  const stopped = untilStopSignal(logger);

  const entry = process.argv[1];
  if (entry === undefined) {
    throw new Error('cannot find the gatehouse entry script in process.argv');
  }
  const configArgs = file === null ? [] : ['--config', file];
  const child = (name: string, args: string[]): ChildSpec => ({ name, command: process.execPath, args: [...process.execArgv, entry, ...args] });

  const children: ChildSpec[] = [];
  const hubArgs = ['hub', ...configArgs];
  if (options.simulate === true) {
    // The simulator stands in for the first radio gateway, so it speaks that gateway's dialect.
    const device = path.join(dataDir, 'radio-sim');
    const dialect = config.radio[0]?.dialect ?? 'moteino';
    children.push(child('simulate', ['simulate', '--device', device, '--dialect', dialect]));
    hubArgs.push('--radio-port', device);
  }
  children.push(child('hub', hubArgs), child('front', ['front', ...configArgs]));

  const supervisor = new Supervisor({ children, logger });
  supervisor.start();
  const port = config.front.httpsPort === 443 ? '' : `:${config.front.httpsPort}`;
  process.stdout.write(`Gatehouse is starting: open https://localhost${port}/ (stop with Ctrl+C)\n`);

  // SIGHUP would end this process by default. It means "reload": both children reload the config
  // file, and the front also its certificate, so the supervisor passes the signal on to both.
  const onHangup = (): void => {
    const sent = { hub: supervisor.signal('hub', 'SIGHUP'), front: supervisor.signal('front', 'SIGHUP') };
    logger.info({ sent }, 'SIGHUP passed on to the hub and the front');
  };
  process.on('SIGHUP', onHangup);

  const code = await Promise.race([stopped.then(() => 0), supervisor.done]);
  process.off('SIGHUP', onHangup);
  await supervisor.stop(code);
  process.exitCode = await supervisor.done;
}
