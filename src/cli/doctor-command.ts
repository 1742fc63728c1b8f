import { type Command, InvalidArgumentError, type Option } from 'commander';

import { checkConfig, doctorExitCodes, exitCodeOf, type Finding, formatFinding, formatSummary, runChecks } from '../doctor/index.js';

interface DoctorCommandOptions {
  config?: string;
  json?: boolean;
  serialSeconds: number;
}

/** Maximum serial read the option allows, so a typo cannot hang the command for hours. */
const maxSerialSeconds = 60;

/** `gatehouse doctor`: check the config, ports, certificate, radio gateway, clock, disk and data directory. */
export function registerDoctorCommand(program: Command, configOption: Option): void {
  program
    .command('doctor')
    .description('check the setup and print one line per finding (ok, warn or fail) with the fix; exit code 1 when a check failed, 2 for an invalid config')
    .addOption(configOption)
    .option('--json', 'print the findings as a JSON array of {status, id, subject, found, fix}')
    .option('--serial-seconds <seconds>', `seconds to read from the radio gateway when the port is free, above 0 and up to ${maxSerialSeconds}`, parseSerialSeconds, 3)
    .action(async (options: DoctorCommandOptions) => {
      process.exitCode = await runDoctor(options);
    });
}

async function runDoctor(options: DoctorCommandOptions): Promise<number> {
  const outcome = checkConfig(options.config);
  if (outcome.loaded === null) {
    print([outcome.finding], options.json === true);
    return doctorExitCodes.invalidConfig;
  }

  const findings = [outcome.finding, ...(await runChecks(outcome.loaded, { serialReadMs: Math.round(options.serialSeconds * 1000) }))];
  print(findings, options.json === true);
  return exitCodeOf(findings);
}

function print(findings: readonly Finding[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    return;
  }
  process.stdout.write(findings.map((item) => `${formatFinding(item)}\n`).join(''));
  process.stderr.write(`${formatSummary(findings)}\n`);
}

function parseSerialSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > maxSerialSeconds) {
    throw new InvalidArgumentError(`expected seconds above 0 and up to ${maxSerialSeconds}, got "${text}"`);
  }
  return value;
}
