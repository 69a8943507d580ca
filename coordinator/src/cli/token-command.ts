import type { Command } from 'commander';
import { ROLES, type Role } from '../http/roles';
import {
  apiCommand,
  clientFrom,
  CliError,
  EXIT,
  output,
  parseDurationSeconds,
  table,
  when,
  type ApiOptions,
} from './api-command';

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

export function registerToken(program: Command): void {
  const tok = program
    .command('token')
    .description('API tokens for people and scripts.')
    .addHelpText(
      'after',
      `\nRoles: admin (federations, participants, schedules, tokens), data-scientist (plans, metrics, models),\nauditor (audit log, read-only everything), viewer (status).\n`,
    );
  apiCommand(tok, 'create', 'Issue a token; it is shown once and only its hash is kept.')
    .requiredOption('--name <name>', 'who or what uses it (appears in the audit log)')
    .requiredOption('--roles <list>', `comma-separated: ${ROLES.join(', ')}`, parseRoles)
    .option('--expires-in <duration>', 'lifetime, e.g. 90d (default: until revoked)', parseDurationSeconds)
    .action(async (o: ApiOptions & { name: string; roles: Role[]; expiresIn?: number }) => {
      const t = await clientFrom(o).createToken(o.name, o.roles, o.expiresIn);
      output(
        o,
        t,
        (v) =>
          `token ${v.id} (${v.name}; ${v.roles.join(', ')}; expires ${when(v.expiresAt)}), shown only now:\n\n  ${v.token}\n`,
      );
    });
  apiCommand(tok, 'list', 'List tokens (never the tokens themselves).').action(async (o: ApiOptions) => {
    const all = await clientFrom(o).tokens();
    output(o, all, (v) =>
      table(
        ['id', 'name', 'roles', 'created', 'expires', 'revoked', 'last used'],
        v.map((t) => [
          t.id,
          t.name,
          t.roles.join(','),
          when(t.createdAt),
          when(t.expiresAt),
          when(t.revokedAt),
          when(t.lastUsedAt),
        ]),
      ),
    );
  });
  apiCommand(tok, 'revoke', 'Revoke a token at once.')
    .argument('<id>', 'token id (see token list)')
    .action(async (id: string, o: ApiOptions) => {
      const t = await clientFrom(o).revokeToken(id);
      output(o, t, (v) => `token ${v.id} (${v.name}) revoked at ${when(v.revokedAt)}`);
    });
}
