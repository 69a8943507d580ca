import type { AdminClient } from '../client/admin-client';
import type { FederationView } from '../federations/federations.service';
import type { ParticipantView } from '../participants/participants.responses';
import type { RoundView } from '../rounds/round-views.service';
import type { ScheduleView } from '../rounds/schedule-spec';
import { describeSchedule } from './round-command';

export interface FederationStatus {
  federation: Pick<FederationView, 'id' | 'name' | 'keyEpoch'> & { mode: string };
  members: { active: number; connected: number; revoked: number };
  schedule: ScheduleView | null;
  /** Rounds the schedule has finished (published or failed) out of those it will run. */
  scheduleProgress: { done: number; total: number } | null;
  round: RoundView | null;
  /** The most recent completed federated evaluation (null when none, or the token may not read metrics). */
  latestEvaluation: { round: number; modelVersionId: string; auc: number } | null;
}

export async function federationStatus(client: AdminClient, federationId: string): Promise<FederationStatus> {
  const [f, ps, schedules, rounds, evaluations] = await Promise.all([
    client.federation(federationId),
    client.participants(federationId),
    client.schedules(federationId),
    client.rounds(federationId),
    client.evaluations(federationId).catch(() => []),
  ]);
  const count = (pred: (p: ParticipantView) => boolean) => ps.filter(pred).length;
  const schedule =
    schedules.filter((s) => s.status === 'active' || s.status === 'paused').at(-1) ?? schedules.at(-1) ?? null;
  const evaluated = evaluations.filter((e) => typeof e.metrics?.rocAuc === 'number').at(-1);
  return {
    federation: { id: f.id, name: f.name, keyEpoch: f.keyEpoch, mode: f.plan.aggregation.mode },
    members: {
      active: count((p) => p.status === 'active'),
      connected: count((p) => p.status === 'active' && p.connected),
      revoked: count((p) => p.status === 'revoked'),
    },
    schedule,
    scheduleProgress: schedule
      ? { done: schedule.roundsPublished + schedule.roundsFailed, total: schedule.rounds }
      : null,
    round: rounds.at(-1) ?? null,
    latestEvaluation: evaluated
      ? { round: evaluated.roundNumber, modelVersionId: evaluated.modelVersionId, auc: evaluated.metrics!.rocAuc }
      : null,
  };
}

/** Pure: several lines for `status`. */
export function describeStatus(s: FederationStatus): string {
  const r = s.round;
  return [
    `${s.federation.name} (${s.federation.id}) — ${s.federation.mode} aggregation, key epoch ${s.federation.keyEpoch}`,
    `  members: ${s.members.active} active (${s.members.connected} connected), ${s.members.revoked} revoked`,
    `  ${s.schedule ? describeSchedule(s.schedule) : 'no schedule (rounds open by hand: syndicate round open)'}`,
    r
      ? `  round ${r.number}: ${r.state}${r.pausedAt ? ' (paused)' : ''}, ${r.contributors.length} update(s), deadline ${new Date(r.deadlineAt).toISOString()}${r.failureReason ? `, ${r.failureReason}` : ''}`
      : '  no rounds yet',
    ...(s.latestEvaluation
      ? [`  latest global AUC ${s.latestEvaluation.auc.toFixed(4)} (round ${s.latestEvaluation.round})`]
      : []),
  ].join('\n');
}

/** Pure: one line per federation, for `status --watch` without a terminal or across federations. */
export function statusLine(s: FederationStatus): string {
  const r = s.round;
  return [
    `${s.federation.name} (${s.federation.id})`,
    `${s.members.connected}/${s.members.active} members online`,
    s.scheduleProgress ? `schedule ${s.scheduleProgress.done}/${s.scheduleProgress.total}` : 'no schedule',
    r
      ? `round ${r.number} ${r.state}${r.pausedAt ? ' (paused)' : ''} ${r.contributors.length}/${Math.max(s.members.active, r.minParticipants)} updates`
      : 'no rounds yet',
    s.latestEvaluation ? `AUC ${s.latestEvaluation.auc.toFixed(4)} (round ${s.latestEvaluation.round})` : 'AUC —',
  ].join(' · ');
}
