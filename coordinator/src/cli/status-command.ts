import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { AdminClient } from '../client/admin-client';
import type { FederationView } from '../federations/federations.service';
import type { ParticipantView } from '../participants/participants.controller';
import type { RoundView } from '../rounds/round-views.service';
import type { ScheduleView } from '../rounds/schedule-spec';
import { apiCommand, clientFrom, parseDurationSeconds, type ApiOptions } from './api-command';
import { describeSchedule } from './round-command';

export interface FederationStatus {
  federation: Pick<FederationView, 'id' | 'name' | 'keyEpoch'> & { mode: string };
  members: { active: number; connected: number; revoked: number };
  schedule: ScheduleView | null;
  round: RoundView | null;
}

const ACTIVE = new Set(['open', 'counting', 'collecting', 'aggregating']);

export async function federationStatus(client: AdminClient, federationId: string): Promise<FederationStatus> {
  const [f, ps, schedules, rounds] = await Promise.all([
    client.federation(federationId),
    client.participants(federationId),
    client.schedules(federationId),
    client.rounds(federationId),
  ]);
  const count = (pred: (p: ParticipantView) => boolean) => ps.filter(pred).length;
  return {
    federation: { id: f.id, name: f.name, keyEpoch: f.keyEpoch, mode: f.plan.aggregation.mode },
    members: {
      active: count((p) => p.status === 'active'),
      connected: count((p) => p.status === 'active' && p.connected),
      revoked: count((p) => p.status === 'revoked'),
    },
    schedule:
      schedules.filter((s) => s.status === 'active' || s.status === 'paused').at(-1) ?? schedules.at(-1) ?? null,
    round: rounds.at(-1) ?? null,
  };
}

function describe(s: FederationStatus): string {
  const r = s.round;
  return [
    `${s.federation.name} (${s.federation.id}) — ${s.federation.mode} aggregation, key epoch ${s.federation.keyEpoch}`,
    `  members: ${s.members.active} active (${s.members.connected} connected), ${s.members.revoked} revoked`,
    `  ${s.schedule ? describeSchedule(s.schedule) : 'no schedule (rounds open by hand: syndicate round open)'}`,
    r
      ? `  round ${r.number}: ${r.state}${r.pausedAt ? ' (paused)' : ''}, ${r.contributors.length} update(s), deadline ${new Date(r.deadlineAt).toISOString()}${r.failureReason ? `, ${r.failureReason}` : ''}`
      : '  no rounds yet',
  ].join('\n');
}

/** Live bars while a round runs: updates against members, and time against the deadline. */
async function watch(client: AdminClient, federationId: string, intervalMs: number): Promise<void> {
  const bars = new MultiBar(
    { clearOnComplete: false, hideCursor: true, format: '{label} |{bar}| {value}/{total} {detail}' },
    Presets.shades_classic,
  );
  const updates = bars.create(1, 0, { label: 'updates ', detail: '' });
  const time = bars.create(1, 0, { label: 'deadline', detail: '' });
  try {
    for (;;) {
      const s = await federationStatus(client, federationId);
      const r = s.round;
      if (!r) {
        updates.update(0, { detail: 'no rounds yet' });
      } else {
        const expected = Math.max(s.members.active, r.minParticipants, 1);
        updates.setTotal(expected);
        updates.update(r.contributors.length, {
          detail: `round ${r.number} ${r.state}${r.pausedAt ? ' (paused)' : ''} — quorum ${r.minParticipants}`,
        });
        const span = Math.max(1, Math.round((r.deadlineAt - r.openedAt) / 1000));
        time.setTotal(span);
        time.update(Math.min(span, Math.round(((r.closedAt ?? Date.now()) - r.openedAt) / 1000)), {
          detail: `s${r.failureReason ? ` — ${r.failureReason}` : ''}`,
        });
      }
      if (
        r &&
        !ACTIVE.has(r.state) &&
        !(s.schedule && (s.schedule.status === 'active' || s.schedule.status === 'paused'))
      )
        break;
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  } finally {
    bars.stop();
  }
}

export function registerStatus(program: Command): void {
  apiCommand(
    program,
    'status',
    'Where a federation stands: members online, schedule, current round. --watch shows live progress bars.',
  )
    .option('--federation <id>', 'federation id (default: every federation, one line each)')
    .option('--watch', 'keep refreshing with progress bars until no round or schedule is running')
    .option('--interval <duration>', 'refresh period for --watch', parseDurationSeconds, 2)
    .action(async (o: ApiOptions & { federation?: string; watch?: boolean; interval: number }) => {
      const client = clientFrom(o);
      const ids = o.federation ? [o.federation] : (await client.federations()).map((f) => f.id);
      if (o.watch && o.federation && !o.json) return watch(client, o.federation, o.interval * 1000);
      const all = await Promise.all(ids.map((id) => federationStatus(client, id)));
      process.stdout.write(
        o.json
          ? `${JSON.stringify(o.federation ? all[0] : all, null, 2)}\n`
          : `${all.length ? all.map(describe).join('\n\n') : 'no federations yet'}\n`,
      );
    });
}
