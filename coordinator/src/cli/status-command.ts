import type { Command } from 'commander';
import { apiCommand, clientFrom, parseDurationSeconds, type ApiOptions } from './api-command';
import { describeStatus, federationStatus } from './federation-status';
import { watchStatus } from './status-watch';

export { federationStatus, type FederationStatus } from './federation-status';

export function registerStatus(program: Command): void {
  apiCommand(
    program,
    'status',
    'Where federations stand: members online, schedule progress, current round, latest global AUC. --watch keeps refreshing.',
  )
    .option('--federation <id>', 'federation id (default: every federation)')
    .option(
      '--watch',
      'refresh until no round or schedule is running: live bars on a terminal for one federation, else one line per federation per update (with --json: one JSON object per line)',
    )
    .option('--interval <duration>', 'refresh period for --watch', parseDurationSeconds, 2)
    .action(async (o: ApiOptions & { federation?: string; watch?: boolean; interval: number }) => {
      const client = clientFrom(o);
      if (o.watch)
        return watchStatus(client, { federation: o.federation, json: o.json, intervalMs: o.interval * 1000 });
      const ids = o.federation ? [o.federation] : (await client.federations()).map((f) => f.id);
      const all = await Promise.all(ids.map((id) => federationStatus(client, id)));
      process.stdout.write(
        o.json
          ? `${JSON.stringify(o.federation ? all[0] : all, null, 2)}\n`
          : `${all.length ? all.map(describeStatus).join('\n\n') : 'no federations yet'}\n`,
      );
    });
}
