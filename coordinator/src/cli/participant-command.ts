import type { Command } from 'commander';
import { enrollCommand } from '../participants/enroll-command';
import { apiCommand, clientFrom, output, parseDurationSeconds, table, when, type ApiOptions } from './api-command';
import { registerParticipantKit } from './participant-kit-command';

type FedOptions = ApiOptions & { federation: string };

export function registerParticipant(program: Command): void {
  const part = program.command('participant').description('Member banks: invite, list, revoke.');
  apiCommand(
    part,
    'invite',
    'Make a one-time enrollment token for a bank and print the exact command its agent host runs (see also: participant kit).',
  )
    .requiredOption('--federation <id>', 'federation id')
    .requiredOption('--name <name>', 'name the bank will appear under')
    .option('--expires-in <duration>', 'token lifetime, e.g. 30m, 12h, 7d', parseDurationSeconds)
    .action(async (o: FedOptions & { name: string; expiresIn?: number }) => {
      const inv = await clientFrom(o).invite(o.federation, o.name, o.expiresIn);
      output(
        o,
        inv,
        (v) =>
          `invitation for "${v.displayName}" in ${v.federationId}; expires ${when(v.expiresAt)}. Token (shown once, works once):\n\n  ${v.token}\n\nOn the bank's agent host:\n  ${enrollCommand(v.agent, v.federationId, v.displayName, v.token)}`,
      );
    });
  apiCommand(part, 'invitations', 'List invitations not used yet and not expired: banks still expected to enroll.')
    .requiredOption('--federation <id>', 'federation id')
    .action(async (o: FedOptions) => {
      const inv = await clientFrom(o).invitations(o.federation);
      output(o, inv, (v) =>
        v.length
          ? table(
              ['name', 'expires', 'token sha-256'],
              v.map((i) => [i.displayName, when(i.expiresAt), `${i.tokenSha256Prefix}…`]),
            )
          : 'no pending invitations',
      );
    });
  registerParticipantKit(part);
  apiCommand(part, 'list', 'List member banks, their status and whether their agent is connected.')
    .requiredOption('--federation <id>', 'federation id')
    .action(async (o: FedOptions) => {
      const ps = await clientFrom(o).participants(o.federation);
      output(o, ps, (v) =>
        v.length
          ? table(
              ['id', 'name', 'status', 'connected', 'enrolled', 'last seen'],
              v.map((p) => [
                p.id,
                p.displayName,
                p.status,
                p.connected ? 'yes' : 'no',
                when(p.enrolledAt),
                when(p.lastSeenAt),
              ]),
            )
          : 'no members yet (invite one: syndicate participant invite)',
      );
    });
  apiCommand(part, 'revoke', 'Cut a bank off at its next message; the next round deals a new key epoch without it.')
    .requiredOption('--federation <id>', 'federation id')
    .argument('<participant-id>', 'participant id (see participant list)')
    .action(async (id: string, o: FedOptions) => {
      const r = await clientFrom(o).revoke(o.federation, id);
      output(
        o,
        r,
        (v) => `participant ${v.id} is ${v.status}; its connection was closed and the next round uses a new key epoch`,
      );
    });
}
