import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { faultPoint } from '../common/fault-point';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { Round } from './round.entity';
import { ACTIVE_ROUND_STATES, assertTransition, type RoundState } from './round-state-machine';
import type { FailureCode } from './schedule-policy';

/**
 * Every persisted change of a round's state, each with its audit entry: the one place
 * that writes `rounds.state`, so every service that moves a round shares its rules.
 */
@Injectable()
export class RoundTransitions {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async transition(round: Round, to: RoundState, em?: EntityManager, extra: Partial<Round> = {}): Promise<void> {
    assertTransition(round.state, to);
    const patch: Partial<Round> = { ...extra, state: to };
    if (to === 'published' || to === 'failed' || to === 'aggregating')
      patch.closedAt = round.closedAt ?? this.clock.now();
    if (to === 'published') patch.resultModelVersionId = round.resultModelVersionId;
    if (to === 'failed') Object.assign(patch, { failureReason: round.failureReason, failureCode: round.failureCode });
    // Compare-and-set on the state column: two drivers can never both move a round.
    const res = await (em ?? this.db.manager).getRepository(Round).update({ id: round.id, state: round.state }, patch);
    if (!res.affected)
      throw new SyndicateError('FAILED_PRECONDITION', 'ROUND_MOVED', `round ${round.id} was moved by someone else`);
    Object.assign(round, patch);
    this.log.info({ roundId: round.id, state: to }, 'round transition');
    // Inside the caller's transaction when there is one: a crash before it commits leaves neither.
    const entry = {
      actor: 'system',
      action: `round.${to}`,
      federationId: round.federationId,
      subject: round.id,
      detail: {
        round: round.number,
        keyEpoch: round.keyEpoch,
        ...(to === 'published' ? { modelVersionId: round.resultModelVersionId } : {}),
        ...(to === 'failed' ? { reason: round.failureReason, code: round.failureCode } : {}),
        ...(to === 'published' || to === 'failed'
          ? { durationSeconds: (this.clock.now() - round.openedAt) / 1000 }
          : {}),
      },
    };
    await (em ? this.audit.recordIn(em, entry) : this.audit.record(entry));
    faultPoint(`round.${to}`); // test-only crash injection: a secure publish is still uncommitted here
  }

  async fail(round: Round, code: FailureCode, reason: string, em?: EntityManager): Promise<void> {
    round.failureReason = reason;
    round.failureCode = code;
    await this.transition(round, 'failed', em);
    this.log.warn(
      { federationId: round.federationId, roundId: round.id, round: round.number, code, reason },
      'round failed',
    );
  }

  /** Freezes a running round (no deadline runs, no transition happens); false when there was nothing to pause. */
  async pause(round: Round, actor: string, why: string): Promise<boolean> {
    if (round.pausedAt !== null || !ACTIVE_ROUND_STATES.includes(round.state)) return false;
    const now = this.clock.now();
    const res = await this.db.getRepository(Round).update({ id: round.id, state: round.state }, { pausedAt: now });
    if (!res.affected) return false;
    round.pausedAt = now;
    await this.audit.record({
      actor,
      action: 'round.paused',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, why },
    });
    return true;
  }

  /** Unfreezes a round; every deadline moves by the time it was paused, so members lose none of theirs. */
  async resume(round: Round, actor: string): Promise<boolean> {
    if (round.pausedAt === null) return false;
    const shift = this.clock.now() - round.pausedAt;
    const moved = (t: number | null) => (t === null ? null : t + shift);
    const patch = {
      pausedAt: null,
      deadlineAt: round.deadlineAt + shift,
      countDeadlineAt: moved(round.countDeadlineAt),
      mustFinishBy: moved(round.mustFinishBy),
    };
    const res = await this.db.getRepository(Round).update({ id: round.id, state: round.state }, patch);
    if (!res.affected) return false;
    Object.assign(round, patch);
    await this.audit.record({
      actor,
      action: 'round.resumed',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, pausedForSeconds: shift / 1000, deadlineAt: round.deadlineAt },
    });
    return true;
  }

  /** The audit entry of an admin's or a schedule's cancellation (the transition to failed has its own). */
  async recordCancelled(round: Round, actor: string, why: string): Promise<void> {
    await this.audit.record({
      actor,
      action: 'round.cancelled',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, why },
    });
  }
}
