import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { KeyedMutex } from '../common/keyed-mutex';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EvaluationDriver } from './evaluation-driver.service';
import { LeaderLease } from '../leadership/leader-lease';
import { Round } from './round.entity';
import { ConfirmedPublication } from './confirmed-publication.service';
import { RoundClosing } from './round-closing.service';
import { RoundPhases } from './round-phases.service';
import { ACTIVE_ROUND_STATES } from './round-state-machine';

/** Moves unfinished rounds (and their models' evaluations) one step at a time; only the leader does. */
@Injectable()
export class RoundStepper {
  private readonly advancing = new KeyedMutex();

  constructor(
    @InjectRepository(Round) private readonly repo: Repository<Round>,
    private readonly phases: RoundPhases,
    private readonly closing: RoundClosing,
    private readonly evaluations: EvaluationDriver,
    private readonly publications: ConfirmedPublication,
    private readonly lease: LeaderLease,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Whether this replica moves rounds (holds the leader lease); the others only serve agents and admins. */
  get leading(): boolean {
    return this.lease.isLeader;
  }

  /** Drives every unfinished round one step; safe to call at any time, including right after a restart. */
  async tick(): Promise<void> {
    if (!this.lease.isLeader) return;
    await this.evaluations.tick();
    const rounds = await this.repo.find({ where: { state: In([...ACTIVE_ROUND_STATES]) } });
    for (const round of rounds) {
      try {
        if (await this.closing.failIfOverdue(round)) continue;
        await this.advance(round);
      } catch (err) {
        if (err instanceof SyndicateError && err.reason === 'ROUND_MOVED') continue;
        this.log.error({ roundId: round.id, err }, 'round step failed; will retry');
      }
    }
  }

  /**
   * Moves a round one step. Serialised per round and re-read first: the driver's tick,
   * an admin opening it and an upload completing it can all ask at once, and each step
   * (a key epoch, a transition) must happen exactly once.
   */
  async advance(round: Round): Promise<void> {
    // Only the leader moves rounds; the others' agents and admins wait for its next tick.
    if (!this.lease.isLeader) return;
    return this.advancing.run(round.id, async () => {
      const fresh = await this.repo.findOne({ where: { id: round.id } });
      if (!fresh) return;
      Object.assign(round, fresh);
      return this.step(round);
    });
  }

  private async step(round: Round): Promise<void> {
    // Paused: frozen where it is; updates still arrive and are kept.
    if (round.pausedAt !== null) return;
    switch (round.state) {
      case 'open':
        return this.phases.leaveOpen(round);
      case 'counting':
        return this.closing.closeCounting(round);
      case 'collecting':
        if ((await this.closing.closeCollecting(round)).action === 'aggregate') await this.closing.finish(round);
        return;
      case 'aggregating':
        // A held model no other member confirmed by the publication deadline is never recorded.
        if (await this.publications.failIfUnconfirmed(round)) return;
        // Survivors gone before revealing their shares: the masked sum never opens.
        if (await this.closing.failIfUnmaskable(round)) return;
        return this.closing.finish(round);
      default:
        return;
    }
  }
}
