import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { effectiveQuorum } from '@syndicate/protocol';
import { In, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { refuseSmallQuorum } from '../federations/quorum-refusal';
import { Round } from './round.entity';
import { RoundLifecycle } from './round-lifecycle.service';
import { ACTIVE_ROUND_STATES } from './round-state-machine';
import { decideSchedule, type FailureCode } from './schedule-policy';
import { nextWindowStart, windowAt, type ScheduleSpec, type ScheduleView } from './schedule-spec';
import { Schedule } from './schedule.entity';

const LIVE: Schedule['status'][] = ['active', 'paused'];

@Injectable()
export class SchedulesService {
  constructor(
    @InjectRepository(Schedule) private readonly repo: Repository<Schedule>,
    @InjectRepository(Round) private readonly roundsRepo: Repository<Round>,
    private readonly federations: FederationsService,
    private readonly rounds: RoundLifecycle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async create(federationId: string, spec: ScheduleSpec, actor: string): Promise<ScheduleView> {
    const federation = await this.federations.entity(federationId);
    const existing = await this.repo.findOne({ where: { federationId, status: In(LIVE) } });
    if (existing) {
      throw new SyndicateError(
        'ALREADY_EXISTS',
        'SCHEDULE_EXISTS',
        `federation ${federationId} already has schedule ${existing.id} (${existing.status}); cancel it first: syndicate round cancel --schedule ${existing.id}`,
      );
    }
    const plan = this.federations.plan(federation);
    const mode = plan.aggregation.mode;
    if (spec.minParticipants !== undefined)
      await refuseSmallQuorum(this.audit, {
        mode,
        value: spec.minParticipants,
        field: 'minParticipants (--quorum)',
        actor,
        action: 'schedule.create',
        federationId,
      });
    const deadlineSeconds = spec.deadlineSeconds ?? plan.rounds.deadlineSeconds;
    if (deadlineSeconds > spec.windowMinutes * 60) {
      throw new SyndicateError('INVALID_ARGUMENT', 'INVALID_SCHEDULE', 'the schedule is invalid', [
        `deadlineSeconds: the plan's round deadline (${deadlineSeconds}s) does not fit in a ${spec.windowMinutes}-minute window; widen the window or set deadlineSeconds`,
      ]);
    }
    const row = this.repo.create({
      id: newId('sch'),
      federationId,
      status: 'active',
      cron: spec.cron,
      timeZone: spec.timeZone,
      windowMinutes: spec.windowMinutes,
      rounds: spec.rounds,
      minParticipants: effectiveQuorum(mode, spec.minParticipants ?? plan.rounds.minParticipants),
      deadlineSeconds,
      maxDurationSeconds: spec.maxDurationSeconds ?? 2 * deadlineSeconds,
      onQuorumMissed: spec.onQuorumMissed,
      createdBy: actor,
      createdAt: this.clock.now(),
      statusReason: null,
    });
    await this.repo.manager.transaction(async (em) => {
      await em.getRepository(Schedule).insert(row);
      await this.audit.recordIn(em, {
        actor,
        action: 'schedule.created',
        federationId,
        subject: row.id,
        detail: {
          ...spec,
          minParticipants: row.minParticipants,
          deadlineSeconds,
          maxDurationSeconds: row.maxDurationSeconds,
        },
      });
    });
    return this.view(row);
  }

  async list(federationId: string): Promise<ScheduleView[]> {
    await this.federations.entity(federationId);
    const rows = await this.repo.find({ where: { federationId }, order: { createdAt: 'ASC' } });
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(id: string): Promise<ScheduleView> {
    return this.view(await this.entity(id));
  }

  private async entity(id: string): Promise<Schedule> {
    const s = await this.repo.findOne({ where: { id } });
    if (!s)
      throw new SyndicateError(
        'NOT_FOUND',
        'SCHEDULE_NOT_FOUND',
        `schedule ${id} does not exist (see: syndicate round list --schedules)`,
      );
    return s;
  }

  /** Pause: no new round opens and the running one freezes, at once. */
  async pause(id: string, actor: string): Promise<ScheduleView> {
    const s = await this.setStatus(id, 'active', 'paused', actor);
    const running = await this.runningRound(s);
    if (running) await this.rounds.pause(running, actor, `schedule ${s.id} paused`);
    return this.view(s);
  }

  async resume(id: string, actor: string): Promise<ScheduleView> {
    const s = await this.setStatus(id, 'paused', 'active', actor);
    const running = await this.runningRound(s);
    if (running) await this.rounds.resume(running, actor);
    return this.view(s);
  }

  /** Cancel: the schedule ends and its running round fails as CANCELLED; published rounds stay. */
  async cancel(id: string, actor: string): Promise<ScheduleView> {
    const s = await this.entity(id);
    if (!LIVE.includes(s.status))
      throw new SyndicateError('FAILED_PRECONDITION', 'SCHEDULE_FINISHED', `schedule ${id} is already ${s.status}`);
    await this.setStatus(id, s.status, 'cancelled', actor);
    const running = await this.runningRound(s);
    if (running) await this.rounds.cancel(running.id, actor, `schedule ${s.id} cancelled`);
    return this.view(await this.entity(id));
  }

  private async setStatus(
    id: string,
    from: Schedule['status'],
    to: Schedule['status'],
    actor: string,
    reason: string | null = null,
  ): Promise<Schedule> {
    const s = await this.entity(id);
    if (s.status !== from) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'SCHEDULE_STATE',
        `schedule ${id} is ${s.status}; it must be ${from} to become ${to}`,
      );
    }
    await this.repo.manager.transaction(async (em) => {
      const res = await em.getRepository(Schedule).update({ id, status: from }, { status: to, statusReason: reason });
      if (!res.affected)
        throw new SyndicateError(
          'FAILED_PRECONDITION',
          'SCHEDULE_STATE',
          `schedule ${id} changed meanwhile; look again`,
        );
      await this.audit.recordIn(em, {
        actor,
        action: `schedule.${to}`,
        federationId: s.federationId,
        subject: id,
        ...(reason ? { detail: { reason } } : {}),
      });
    });
    Object.assign(s, { status: to, statusReason: reason });
    return s;
  }

  private async runningRound(s: Schedule): Promise<Round | null> {
    const r = await this.activeRound(s.federationId);
    return r && r.scheduleId === s.id ? r : null;
  }

  /** One scheduler step for every active schedule; the unique (schedule, seq) index makes a double open impossible. */
  async tick(): Promise<void> {
    for (const s of await this.repo.find({ where: { status: 'active' } })) {
      try {
        await this.step(s);
      } catch (err) {
        this.log.error({ scheduleId: s.id, err }, 'schedule step failed; will retry');
      }
    }
  }

  private async step(s: Schedule): Promise<void> {
    const rounds = await this.roundsRepo.find({ where: { scheduleId: s.id } });
    const decision = decideSchedule({
      now: this.clock.now(),
      spec: s,
      deadlineSeconds: s.deadlineSeconds,
      rounds: rounds.map((r) => ({
        seq: r.scheduleSeq ?? 0,
        state: r.state,
        openedAt: r.openedAt,
        failureCode: r.failureCode as FailureCode | null,
      })),
      federationBusy: (await this.activeRound(s.federationId)) !== null,
    });
    if (decision.action === 'complete') {
      await this.setStatus(s.id, 'active', 'completed', 'system', `${s.rounds} rounds published`);
      this.log.info({ scheduleId: s.id, federationId: s.federationId }, 'schedule completed');
    } else if (decision.action === 'fail') {
      await this.setStatus(s.id, 'active', 'failed', 'system', decision.reason);
      this.log.warn({ scheduleId: s.id, federationId: s.federationId, reason: decision.reason }, 'schedule failed');
    } else if (decision.action === 'open') {
      // Paused or cancelled since this tick read it: the admin's word wins.
      if ((await this.repo.findOne({ where: { id: s.id } }))?.status !== 'active') return;
      const round = await this.rounds
        .open(
          s.federationId,
          {
            deadlineSeconds: s.deadlineSeconds,
            // A schedule stored before the secure floor existed may name less; its rounds run at the floor.
            minParticipants: effectiveQuorum(await this.federationMode(s.federationId), s.minParticipants),
            maxDurationSeconds: s.maxDurationSeconds,
            scheduleId: s.id,
            scheduleSeq: decision.seq,
          },
          'system',
        )
        .catch(async (err: unknown) => {
          // Patience ran out: the schedule is done, not failing.
          if (!(err instanceof SyndicateError && err.reason === 'EARLY_STOPPED')) throw err;
          await this.setStatus(s.id, 'active', 'completed', 'system', err.message);
          return null;
        });
      if (!round) return;
      this.log.info(
        {
          scheduleId: s.id,
          federationId: s.federationId,
          roundId: round.id,
          seq: decision.seq,
          windowEnd: new Date(decision.window.end).toISOString(),
        },
        'scheduled round opened',
      );
    }
  }

  private async federationMode(federationId: string): Promise<'plaintext' | 'secure'> {
    return (await this.federations.planOf(federationId)).aggregation.mode;
  }

  private async view(s: Schedule): Promise<ScheduleView> {
    const rounds = await this.roundsRepo.find({ where: { scheduleId: s.id } });
    const now = this.clock.now();
    const current = windowAt(s.cron, s.timeZone, s.windowMinutes, now);
    return {
      id: s.id,
      federationId: s.federationId,
      status: s.status,
      cron: s.cron,
      timeZone: s.timeZone,
      windowMinutes: s.windowMinutes,
      rounds: s.rounds,
      minParticipants: s.minParticipants,
      deadlineSeconds: s.deadlineSeconds,
      maxDurationSeconds: s.maxDurationSeconds,
      onQuorumMissed: s.onQuorumMissed,
      createdAt: s.createdAt,
      createdBy: s.createdBy,
      statusReason: s.statusReason,
      roundsPublished: rounds.filter((r) => r.state === 'published').length,
      roundsFailed: rounds.filter((r) => r.state === 'failed').length,
      nextWindowStart: LIVE.includes(s.status) ? (current?.start ?? nextWindowStart(s.cron, s.timeZone, now)) : null,
      currentWindow: current,
    };
  }

  private activeRound(federationId: string): Promise<Round | null> {
    return this.roundsRepo.findOne({ where: { federationId, state: In([...ACTIVE_ROUND_STATES]) } });
  }
}
