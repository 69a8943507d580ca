import type { EvaluationView } from '../evaluation/evaluation.service';
import type { Command } from 'commander';
import type { AdminClient } from '../client/admin-client';
import type { RoundView } from '../rounds/round-views.service';
import type { ScheduleView } from '../rounds/schedule-spec';
import {
  apiCommand,
  clientFrom,
  CliError,
  EXIT,
  output,
  parseDurationSeconds,
  parsePositiveInt,
  table,
  when,
  type ApiOptions,
} from './api-command';

type Target = ApiOptions & { federation?: string; schedule?: string; round?: string };

/** The live schedule a pause/resume/cancel means: named, or the federation's only one. */
async function scheduleOf(client: AdminClient, o: Target): Promise<ScheduleView> {
  if (o.schedule) return client.schedule(o.schedule);
  if (!o.federation)
    throw new CliError(EXIT.USAGE, 'name the schedule: --schedule ID, or --federation ID for its live schedule');
  const live = (await client.schedules(o.federation)).filter((s) => s.status === 'active' || s.status === 'paused');
  if (!live.length)
    throw new CliError(
      EXIT.NOT_FOUND,
      `federation ${o.federation} has no active or paused schedule (make one: syndicate round schedule)`,
    );
  return live[0];
}

export const describeSchedule = (s: ScheduleView): string =>
  `schedule ${s.id}: ${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}; "${s.cron}" ${s.timeZone}, ${s.windowMinutes} min windows; ` +
  `${s.roundsPublished}/${s.rounds} rounds published, ${s.roundsFailed} failed; quorum ${s.minParticipants}, deadline ${s.deadlineSeconds}s, max ${s.maxDurationSeconds}s, on quorum missed: ${s.onQuorumMissed}` +
  (s.currentWindow
    ? `; window open until ${when(s.currentWindow.end)}`
    : s.nextWindowStart
      ? `; next window ${when(s.nextWindowStart)}`
      : '');

const f4 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(4));

/** One line a data scientist reads: the consortium's metrics, from summed encrypted histograms. */
export function describeEvaluation(e: EvaluationView): string {
  if (!e.metrics) return `${e.state}${e.failureReason ? ` — ${e.failureReason}` : ''} (${e.contributors} histograms)`;
  const m = e.metrics;
  return `AUC ${f4(m.rocAuc)}, KS ${f4(m.ks)}, Gini ${f4(m.gini)}, PR AUC ${f4(m.prAuc)}, Brier ${f4(m.brier)}${m.psi === null ? '' : `, PSI ${f4(m.psi)}`} on ${m.numExamples} holdout examples of ${e.contributors} banks (${e.confirmations} confirmations)`;
}

export const describeRound = (r: RoundView): string =>
  [
    `round ${r.number} (${r.id}): ${r.state}${r.pausedAt ? ' (paused)' : ''}${r.failureReason ? ` — ${r.failureCode ?? ''} ${r.failureReason}` : ''}`,
    `  mode ${r.mode}, key epoch ${r.keyEpoch}, quorum ${r.minParticipants}, opened ${when(r.openedAt)}, deadline ${when(r.deadlineAt)}${r.mustFinishBy ? `, must finish by ${when(r.mustFinishBy)}` : ''}`,
    `  from model ${r.baseModelVersionId}${r.resultModelVersionId ? ` → published ${r.resultModelVersionId}` : ''}${r.scheduleId ? `; schedule ${r.scheduleId}` : ''}`,
    ...(r.contributors.length
      ? [
          '  contributors:',
          ...r.contributors.map(
            (c) =>
              `    ${c.displayName} (${c.participantId}) update ${c.payloadSha256.slice(0, 16)}… at ${when(c.acceptedAt)}`,
          ),
        ]
      : []),
    ...(r.evaluation ? [`  evaluation: ${describeEvaluation(r.evaluation)}`] : []),
  ].join('\n');

export function registerRound(program: Command): void {
  const round = program
    .command('round')
    .description('Training rounds: schedule them, open one now, follow, pause, resume, cancel.');
  apiCommand(
    round,
    'schedule',
    'Schedule rounds inside recurring windows (e.g. nightly), with quorum and deadlines. Survives restarts.',
  )
    .requiredOption('--federation <id>', 'federation id')
    .requiredOption('--cron <expr>', 'window starts, cron syntax (e.g. "0 1 * * *" = 01:00 every day)')
    .option('--tz <zone>', 'IANA time zone of the cron expression', 'UTC')
    .requiredOption('--window <duration>', 'how long each window stays open, e.g. 4h', parseDurationSeconds)
    .requiredOption('--rounds <n>', 'rounds to publish in all', parsePositiveInt('--rounds'))
    .option('--quorum <n>', "minimum contributors per round (default: the plan's)", parsePositiveInt('--quorum'))
    .option('--deadline <duration>', "collection deadline per round (default: the plan's)", parseDurationSeconds)
    .option(
      '--max-duration <duration>',
      'a round not published by then fails (default: twice the deadline)',
      parseDurationSeconds,
    )
    .option('--on-quorum-missed <policy>', 'retry (next window) or fail (the schedule)', 'retry')
    .addHelpText(
      'after',
      '\nExample: nightly 01:00-05:00 Zurich time, 20 rounds, at least 3 banks each, 30 minutes per round:\n  syndicate round schedule --federation fed_… --cron "0 1 * * *" --tz Europe/Zurich --window 4h --rounds 20 --quorum 3 --deadline 30m\n',
    )
    .action(
      async (
        o: ApiOptions & {
          federation: string;
          cron: string;
          tz: string;
          window: number;
          rounds: number;
          quorum?: number;
          deadline?: number;
          maxDuration?: number;
          onQuorumMissed: string;
        },
      ) => {
        if (o.onQuorumMissed !== 'retry' && o.onQuorumMissed !== 'fail')
          throw new CliError(EXIT.USAGE, `--on-quorum-missed must be retry or fail, got "${o.onQuorumMissed}"`);
        if (o.window % 60 !== 0) throw new CliError(EXIT.USAGE, '--window must be whole minutes');
        const s = await clientFrom(o).createSchedule(o.federation, {
          cron: o.cron,
          timeZone: o.tz,
          windowMinutes: o.window / 60,
          rounds: o.rounds,
          minParticipants: o.quorum,
          deadlineSeconds: o.deadline,
          maxDurationSeconds: o.maxDuration,
          onQuorumMissed: o.onQuorumMissed,
        });
        output(o, s, describeSchedule);
      },
    );
  apiCommand(round, 'open', 'Open one round now, outside any schedule.')
    .requiredOption('--federation <id>', 'federation id')
    .option('--quorum <n>', "minimum contributors (default: the plan's)", parsePositiveInt('--quorum'))
    .option('--deadline <duration>', "collection deadline (default: the plan's)", parseDurationSeconds)
    .action(async (o: ApiOptions & { federation: string; quorum?: number; deadline?: number }) => {
      const r = await clientFrom(o).openRound(o.federation, { minParticipants: o.quorum, deadlineSeconds: o.deadline });
      output(o, r, describeRound);
    });
  apiCommand(round, 'list', "List a federation's rounds (and, with --schedules, its schedules).")
    .requiredOption('--federation <id>', 'federation id')
    .option('--schedules', 'list schedules instead')
    .action(async (o: ApiOptions & { federation: string; schedules?: boolean }) => {
      const client = clientFrom(o);
      if (o.schedules) {
        const all = await client.schedules(o.federation);
        return output(o, all, (v) => (v.length ? v.map(describeSchedule).join('\n') : 'no schedules'));
      }
      const all = await client.rounds(o.federation);
      output(o, all, (v) =>
        table(
          ['round', 'id', 'state', 'mode', 'contributors', 'opened', 'closed', 'model / failure'],
          v.map((r) => [
            r.number,
            r.id,
            r.pausedAt ? `${r.state} (paused)` : r.state,
            r.mode,
            r.contributors.length,
            when(r.openedAt),
            when(r.closedAt),
            r.resultModelVersionId ?? r.failureCode ?? '',
          ]),
        ),
      );
    });
  apiCommand(round, 'show', 'Show one round: state, deadlines, contributors (update hashes), evaluations.')
    .argument('<round-id>', 'round id')
    .action(async (id: string, o: ApiOptions) => output(o, await clientFrom(o).round(id), describeRound));
  for (const action of ['pause', 'resume'] as const) {
    apiCommand(
      round,
      action,
      action === 'pause'
        ? 'Pause a schedule at once: no new round opens and the running one freezes (members are told).'
        : "Resume a paused schedule; the frozen round's deadlines move by the time it was paused.",
    )
      .option('--federation <id>', 'the federation whose live schedule it is')
      .option('--schedule <id>', 'schedule id')
      .action(async (o: Target) => {
        const client = clientFrom(o);
        const s = await client.controlSchedule((await scheduleOf(client, o)).id, action);
        output(o, s, describeSchedule);
      });
  }
  apiCommand(
    round,
    'cancel',
    'Cancel a schedule (and its running round), or one round with --round. Published models stay.',
  )
    .option('--federation <id>', 'the federation whose live schedule it is')
    .option('--schedule <id>', 'schedule id')
    .option('--round <id>', 'cancel only this running round')
    .action(async (o: Target) => {
      const client = clientFrom(o);
      if (o.round) return output(o, await client.cancelRound(o.round), describeRound);
      const s = await client.controlSchedule((await scheduleOf(client, o)).id, 'cancel');
      output(o, s, describeSchedule);
    });
}
