import { type Command, InvalidArgumentError, Option } from 'commander';
import { createToken, listTokens, maxTokenDays, revokeToken } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { auditCliChange } from './cli-audit.js';

/** `gatehouse token create|list|revoke`: manage API tokens in tokens.json in the data directory. */
export function registerTokenCommands(program: Command, configOption: Option): void {
  const token = program.command('token').description('manage API tokens for scripts (sent as "Authorization: Bearer <token>")');

  token
    .command('create <name>')
    .description('create an API token and print it once; only its SHA-256 is stored, so it cannot be shown again')
    .addOption(new Option('--role <role>', 'what the token may do: viewer sees, operator also sends commands, admin also manages').choices(['admin', 'operator', 'viewer']).makeOptionMandatory())
    .addOption(new Option('--expires-days <days>', `days until the token stops working, 1 to ${maxTokenDays} (default: it works until revoked)`).argParser(parseDays))
    .addOption(configOption)
    .action(async (name: string, options: { role: string; expiresDays?: number; config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const created = await createToken(dataDir, name, options.role, options.expiresDays === undefined ? {} : { expiresDays: options.expiresDays });
      await auditCliChange(dataDir, 'tokenChanged', {
        action: 'created',
        tokenName: created.summary.name,
        role: created.summary.role,
        expires: created.summary.expires,
      });
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `created token ${name} with role ${created.summary.role}, expires ${created.summary.expires ?? 'never'}; ` +
          'copy it now, because it is not shown again\n',
      );
    });

  token
    .command('list')
    .description('list API tokens with their role, creation and expiry times (never the token itself)')
    .addOption(configOption)
    .action(async (options: { config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const listing = await listTokens(dataDir);
      for (const entry of listing.tokens) {
        const expires = entry.expires === null ? 'never' : `${entry.expires}${entry.expired ? ' (expired)' : ''}`;
        process.stdout.write(`${entry.name}\t${entry.role}\t${entry.created}\t${expires}\n`);
      }
      for (const issue of listing.issues) {
        process.stderr.write(`warning: ${issue}\n`);
      }
    });

  token
    .command('revoke <name>')
    .description('delete an API token; the hub and the front reject it within a second')
    .addOption(configOption)
    .action(async (name: string, options: { config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const revoked = await revokeToken(dataDir, name);
      await auditCliChange(dataDir, 'tokenChanged', { action: 'revoked', tokenName: revoked.name, role: revoked.role, expires: revoked.expires });
      process.stdout.write(`revoked token ${name}\n`);
    });
}

function parseDays(text: string): number {
  const days = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1 && days <= maxTokenDays)) {
    throw new InvalidArgumentError(`expected a whole number of days from 1 to ${maxTokenDays}, got "${text.slice(0, 20)}"`);
  }
  return days;
}
