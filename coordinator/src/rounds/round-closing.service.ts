import { Injectable } from '@nestjs/common';
import { effectiveQuorum } from '@syndicate/protocol';
import { AggregationService } from '../aggregation/aggregation.service';
import { Clock } from '../common/clock';
import { ContributionPolicy } from './contribution-policy.service';
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

  /** Secure: the counted members (and only they) go on to train once every key member counted, or at the deadline. */
  async closeCounting(round: Round): Promise<void> {
    await this.aggregation.exclusive(round.id, async () => {
      const counted = await this.policy.counted(round.id);
      const expected = (await this.policy.epochMembers(round)).length;
      const d = decideClose({
        now: this.clock.now(),
        deadlineAt: round.countDeadlineAt ?? round.deadlineAt,
        contributors: counted.length,
        minParticipants: effectiveQuorum(round.mode, round.minParticipants),
        expected,
      });
      if (d.action === 'aggregate') await this.phases.startCollecting(round, counted);
      if (d.action === 'fail')
        await this.transitions.fail(round, 'QUORUM_MISSED', d.reason.replace('updates', 'sample counts'));
      return d;
    });
  }

  /**
   * Decided under the round's update lock, so no update can commit between the
   * count and the transition and then be missing from the published sum.
   */
  async closeCollecting(round: Round): Promise<CloseDecision> {
    return this.aggregation.exclusive(round.id, async () => {
      const contributors = (await this.aggregation.contributors(round.id)).length;
      const expected = await this.policy.expectedUpdates(round);
      const d = decideClose({
        now: this.clock.now(),
        deadlineAt: round.deadlineAt,
        contributors,
        minParticipants: effectiveQuorum(round.mode, round.minParticipants),
        expected,
      });
      if (d.action === 'aggregate') await this.transitions.transition(round, 'aggregating');
      if (d.action === 'fail') await this.transitions.fail(round, 'QUORUM_MISSED', d.reason);
      return d;
    });
  }

  /** The aggregate is final: the coordinator publishes it, or (secure) asks a member to. */
  finish(round: Round): Promise<void> {
    return roundMode(round).publishedBy === 'member'
      ? this.election.askToPublish(round)
      : this.publication.publish(round);
  }
}
