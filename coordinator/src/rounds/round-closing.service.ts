import { Injectable } from '@nestjs/common';
import { effectiveQuorum } from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { Clock } from '../common/clock';
import { ContributionPolicy } from './contribution-policy.service';
import { publicationDeadline } from './publication-agreement';
import { Publication } from './publication.service';
import { PublisherElection } from './publisher-election.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';
import { RoundPhases } from './round-phases.service';
import { decideClose, type CloseDecision } from './round-state-machine';
import { RoundTransitions } from './round-transitions.service';

/**
 * Ends a round's phases: counting and collecting close at quorum or deadline, aggregating ends in a model.
 * A secure round's quorum is never below the floor, even for a round stored before the floor existed.
 */
@Injectable()
export class RoundClosing {
  constructor(
    private readonly aggregation: AggregationService,
    private readonly policy: ContributionPolicy,
    private readonly phases: RoundPhases,
    private readonly transitions: RoundTransitions,
    private readonly publication: Publication,
    private readonly election: PublisherElection,
    private readonly clock: Clock,
  ) {}

  /** Fails a running round past its maximum duration; true when it did. */
  async failIfOverdue(round: Round): Promise<boolean> {
    if (round.pausedAt !== null || round.mustFinishBy === null || this.clock.now() < round.mustFinishBy) return false;
    await this.transitions.fail(
      round,
      'MAX_DURATION',
      `not published within its maximum duration (by ${new Date(round.mustFinishBy).toISOString()})`,
    );
    return true;
  }

  /**
   * Aggregating: a masked sum fewer than its threshold of survivors unmasked by the publication
   * deadline (they dropped after the phase closed) can never be decrypted, so the round fails
   * instead of waiting for a publisher forever. True when it did.
   */
  async failIfUnmaskable(round: Round): Promise<boolean> {
    if (round.state !== 'aggregating' || this.clock.now() < publicationDeadline(round)) return false;
    const stuck = await this.policy.failUnrevealed(round.id, 'model');
    if (!stuck) return false;
    await this.transitions.fail(round, 'TOO_FEW_SURVIVORS', stuck.reason);
    return true;
  }

  /**
   * Counting closes once every member sent its part, or at the deadline. Secure: the counted members (and
   * only they) go on to train. Plaintext (feature statistics only): their sum is recorded, then all train.
   */
  async closeCounting(round: Round): Promise<void> {
    await this.aggregation.exclusive(round.id, async () => {
      const plainStats = roundMode(round).countingKind === 'stats';
      const counted = await this.policy.countedInPhase(round);
      const expected = (await this.policy.roundMembers(round)).length;
      const d = await this.decide(round, 'count', counted.length, expected, round.countDeadlineAt ?? round.deadlineAt);
      if (d.action === 'aggregate' && plainStats) await this.phases.closePlainStats(round);
      else if (d.action === 'aggregate' && (await this.sealSurvivors(round, 'count', counted))) {
        const stats = (await this.aggregation.contributors(round.id, undefined, 'stats')).map((c) => c.participantId);
        if (await this.sealSurvivors(round, 'stats', stats)) await this.phases.startCollecting(round, counted);
      }
      if (d.action === 'fail') await this.failDecision(round, d, plainStats ? 'feature statistics' : 'sample counts');
      return d;
    });
  }

  /**
   * Decided under the round's update lock, so no update can commit between the
   * count and the transition and then be missing from the published sum.
   */
  async closeCollecting(round: Round): Promise<CloseDecision> {
    return this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id)).map((c) => c.participantId);
      const expected = await this.policy.expectedUpdates(round);
      const d = await this.decide(round, 'model', contributors.length, expected, round.deadlineAt);
      if (d.action === 'aggregate') {
        if (!(await this.sealSurvivors(round, 'model', contributors))) return { action: 'wait' } as const;
        await this.transitions.transition(round, 'aggregating');
      }
      if (d.action === 'fail') {
        // Too few survivors revealed their count shares: nobody could weigh an update, so none came.
        const count = await this.policy.failUnrevealed(round.id, 'count');
        if (count) await this.transitions.fail(round, 'TOO_FEW_SURVIVORS', count.reason);
        else await this.failDecision(round, d, 'updates');
      }
      return d;
    });
  }

  /** Quorum or deadline; a masked sum also needs its threshold of members, or no mask could come off. */
  private async decide(
    round: Round,
    kind: 'count' | 'model',
    contributors: number,
    expected: number,
    deadlineAt: number,
  ): Promise<CloseDecision & { masked?: number }> {
    const quorum = effectiveQuorum(round.mode, round.minParticipants);
    const threshold = await this.policy.maskThreshold(round.id, kind);
    const d = decideClose({
      now: this.clock.now(),
      deadlineAt,
      contributors,
      minParticipants: Math.max(quorum, threshold),
      expected,
    });
    return d.action === 'fail' && contributors >= quorum ? { ...d, masked: threshold } : d;
  }

  private async failDecision(round: Round, d: CloseDecision & { masked?: number }, what: string): Promise<void> {
    if (d.action !== 'fail') return;
    if (d.masked)
      return this.transitions.fail(
        round,
        'TOO_FEW_SURVIVORS',
        `${d.reason.replace('updates', what)}: the masking threshold is ${d.masked}, so no mask can come off; nothing is decrypted`,
      );
    return this.transitions.fail(round, 'QUORUM_MISSED', d.reason.replace('updates', what));
  }

  /** Fixes a masked sum's survivors; false (and the round failed) when too few are in it to unmask. */
  private async sealSurvivors(round: Round, kind: 'count' | 'stats' | 'model', ids: string[]): Promise<boolean> {
    const sealed = await this.policy.closeMasked(round.id, kind, ids);
    if (!sealed || sealed.ok) return true;
    await this.transitions.fail(round, 'TOO_FEW_SURVIVORS', sealed.reason);
    return false;
  }

  /** The aggregate is final: the coordinator publishes it, or (secure) asks a member to. */
  finish(round: Round): Promise<void> {
    return roundMode(round).publishedBy === 'member'
      ? this.election.askToPublish(round)
      : this.publication.publish(round);
  }
}
