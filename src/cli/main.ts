import { Command, InvalidArgumentError, Option } from 'commander';
import { registerDoctorCommand } from './doctor-command.js';
import { registerHistoryCommands } from './history-commands.js';
import { exitCodes, reportFailure } from './exit.js';
import { registerNginxCommand } from './nginx-command.js';
import { runFront } from './run-front.js';
import { runHub } from './run-hub.js';
import { runSimulate } from './run-simulate.js';
import { runStart } from './run-start.js';
import { registerTokenCommands } from './token-commands.js';
import { registerUserCommands } from './user-commands.js';

const configOption = new Option('-c, --config <file>', 'YAML config file (default: ./gatehouse.yaml if present, else built-in defaults)');

function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Secure, realtime home-automation gateway: a TLS front and a loopback hub for a serial radio gateway.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('run the front and the hub as supervised child processes (restarted with backoff if they crash)')
    .addOption(configOption)
    .option('--simulate', 'also run a simulated Moteino radio gateway on a pseudo-terminal and point the hub at it')
    .action(async (options: { config?: string; simulate?: boolean }) => runStart(options));

  program
    .command('front')
    .description('run the TLS web front: HTTPS with basic auth, the HTTP redirect port, and the proxy to the hub')
    .addOption(configOption)
    .action(async (options: { config?: string }) => runFront(options));

  program
    .command('hub')
    .description('run the hub: radio link, node state, websocket and REST APIs on 127.0.0.1')
    .addOption(configOption)
    .option('--radio-port <path>', 'serial device to open instead of radio.port from the config')
    .action(async (options: { config?: string; radioPort?: string }) => runHub(options));

  program
    .command('simulate')
    .description('run a simulated radio gateway (Moteino or MySensors) on a pseudo-terminal (needs socat)')
    .requiredOption('--device <path>', 'path of the pseudo-terminal link to create; point radio.port (or hub --radio-port) at it')
    .option('--interval-ms <ms>', 'milliseconds between simulated node packets', parsePositiveInteger, 2000)
    .addOption(new Option('--dialect <dialect>', 'line protocol the simulated gateway speaks').choices(['moteino', 'mysensors']).default('moteino'))
    .action(async (options: { device: string; intervalMs: number; dialect: 'moteino' | 'mysensors' }) => runSimulate(options));

  registerUserCommands(program, configOption);
  registerTokenCommands(program, configOption);
  registerNginxCommand(program, configOption);
  registerDoctorCommand(program, configOption);
  registerHistoryCommands(program, configOption);
  return program;
}

function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  }
  return value;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
if (process.exitCode === undefined) {
  process.exitCode = exitCodes.ok;
}
