import { type Command, Option } from 'commander';
import { addUser, listUsers, removeUser, setPassword } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import type { Role } from '../protocol/index.js';
import { auditCliChange } from './cli-audit.js';
import { promptPassword, readPasswordFromStdin } from './stdin.js';

interface PasswordSource {
  config?: string;
  passwordStdin?: boolean;
}

async function readPassword(options: PasswordSource): Promise<string> {
  return options.passwordStdin === true ? readPasswordFromStdin() : promptPassword(true);
}

/** `gatehouse user add|list|remove|passwd`: edit the users file and roles file in the data directory. */
export function registerUserCommands(program: Command, configOption: Option): void {
  const user = program.command('user').description('manage the users who may log in (htpasswd file with bcrypt hashes, plus roles)');
  const passwordStdin = new Option('--password-stdin', 'read the password from the first line of standard input instead of asking');

  user
    .command('add <name>')
    .description('add a user; asks for the password twice unless --password-stdin is given')
    .addOption(new Option('--role <role>', 'what the user may do: viewer sees, operator also sends commands, admin also manages').choices(['admin', 'operator', 'viewer']).default('viewer'))
    .addOption(passwordStdin)
    .addOption(configOption)
    .action(async (name: string, options: PasswordSource & { role: Role }) => {
      const { dataDir } = loadConfig(options.config);
      const password = await readPassword(options);
      await addUser(dataDir, name, password, options.role);
      await auditCliChange(dataDir, 'userChanged', { action: 'added', target: name, role: options.role });
      process.stdout.write(`added user ${name} with role ${options.role}\n`);
    });

  user
    .command('list')
    .description('list users with their role and password hash type')
    .addOption(configOption)
    .action(async (options: { config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      const listing = await listUsers(dataDir);
      for (const entry of listing.users) {
        process.stdout.write(`${entry.name}\t${entry.role}\t${entry.hashKind}\n`);
      }
      for (const issue of listing.issues) {
        process.stderr.write(`warning: ${issue.file}:${issue.line}: ${issue.message}\n`);
      }
    });

  user
    .command('remove <name>')
    .description('remove a user and their role')
    .addOption(configOption)
    .action(async (name: string, options: { config?: string }) => {
      const { dataDir } = loadConfig(options.config);
      await removeUser(dataDir, name);
      await auditCliChange(dataDir, 'userChanged', { action: 'removed', target: name });
      process.stdout.write(`removed user ${name}\n`);
    });

  user
    .command('passwd <name>')
    .description("change a user's password; asks twice unless --password-stdin is given")
    .addOption(passwordStdin)
    .addOption(configOption)
    .action(async (name: string, options: PasswordSource) => {
      const { dataDir } = loadConfig(options.config);
      const password = await readPassword(options);
      await setPassword(dataDir, name, password);
      await auditCliChange(dataDir, 'userChanged', { action: 'passwordChanged', target: name });
      process.stdout.write(`changed the password of ${name}\n`);
    });
}
