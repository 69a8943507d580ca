import { writePrivateFile } from '../common/private-file';
import type { Command } from 'commander';
import { ROLES, type Role } from '../http/roles';
import { loadCoordinatorConfig } from '../config/coordinator-config';
import { CliError, EXIT } from './api-command';

function parseRoles(v: string): Role[] {
  const roles = v
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length || !roles.length)
    throw new CliError(
      EXIT.USAGE,
      `--roles: unknown role ${bad.join(', ') || '(none)'}; roles are ${ROLES.join(', ')}`,
    );
  return roles as Role[];
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Prepare the coordinator database (migrations) and issue the bootstrap admin API token, shown once.')
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL; default sqlite:var/syndicate.sqlite)')
    .option('--config <file.yaml>', 'coordinator settings file (env SYNDICATE_CONFIG)')
    .option('--write-token <file>', 'also write the token to this file, readable only by you (for --token-file)')
    .option('--token-name <name>', 'name the token appears under in the audit log', 'bootstrap-admin')
    .option('--roles <list>', `comma-separated roles (${ROLES.join(', ')})`, parseRoles, ['admin'] as Role[])
    .option('--force-new-token', 'issue another token even though the database already has some')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nRun once, before the first `syndicate serve`. Running it again only applies new migrations.\nExample:\n  syndicate init --database postgres://syndicate@db/syndicate --write-token ~/.syndicate/admin.token\n',
    )
    .action(
      async (o: {
        database?: string;
        config?: string;
        writeToken?: string;
        tokenName: string;
        roles: Role[];
        forceNewToken?: boolean;
        json?: boolean;
      }) => {
        const config = loadCoordinatorConfig(
          { databaseUrl: o.database },
          process.env,
          o.config ?? (process.env.SYNDICATE_CONFIG || undefined),
          false,
        );
        const { initDatabase } = await import('../init/init-database');
        const result = await initDatabase(config.databaseUrl, {
          tokenName: o.tokenName,
          roles: o.roles,
          forceNewToken: o.forceNewToken,
        });
        if (result.token && o.writeToken) {
          writePrivateFile(o.writeToken, `${result.token.token}\n`);
        }
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ database: config.databaseUrl, ...result }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `database ${config.databaseUrl}: ${result.migrationsRun.length ? `applied ${result.migrationsRun.join(', ')}` : 'schema up to date'}\n`,
        );
        if (!result.token) {
          process.stdout.write(
            `it already has ${result.existingTokens} API token(s); no new token issued (an admin makes more with: syndicate token create; or pass --force-new-token)\n`,
          );
          return;
        }
        process.stdout.write(
          `API token ${result.token.id} (${result.token.name}; roles ${result.token.roles.join(', ')}), shown only now:\n\n  ${result.token.token}\n\n`,
        );
        process.stdout.write(
          o.writeToken
            ? `also written to ${o.writeToken} (mode 600); use it with --token-file ${o.writeToken}\n`
            : 'store it in a secret manager; use it with SYNDICATE_TOKEN or --token-file\n',
        );
      },
    );
}
