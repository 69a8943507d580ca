import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { KeyCeremony } from '../keys/key-ceremony.service';
import { ModelsService } from '../models/models.service';
import { ContributionPolicy } from './contribution-policy.service';
import { FeatureStatsPhase } from './feature-stats-phase.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';
import { RoundTransitions } from './round-transitions.service';
import { TaskDispatch } from './task-dispatch.service';

/** Starts a round's phases: leaving open, counting (secure, or plaintext statistics) and collecting, each with the tasks it sends. */
@Injectable()
export class RoundPhases {
  constructor(
    private readonly transitions: RoundTransitions,
    private readonly keys: KeyCeremony,
    private readonly models: ModelsService,
    private readonly stats: FeatureStatsPhase,
    private readonly dispatch: TaskDispatch,
    private readonly policy: ContributionPolicy,
    private readonly clock: Clock,
  ) {}

  /**
   * The step out of `open`: to collecting, or to counting: secure once a key epoch is ready, plaintext
   * while the plan still needs consortium feature statistics (members scale their data before training).
   */
  async leaveOpen(round: Round): Promise<void> {
    if (roundMode(round).firstPhase === 'collecting') {
      if (await this.stats.needed(round.federationId)) return this.startPlainStats(round);
      return this.startCollecting(round, await this.policy.activeMembers(round.federationId));
    }
    if (this.clock.now() >= round.deadlineAt) {
      return this.transitions.fail(
        round,
        'NO_DEALER',
        'no key epoch could be dealt before the deadline (no member connected to act as dealer, or the dealer ' +
          'refused: see agent.refused in the audit log, e.g. KEY_EPOCH_TOO_FEW_TRUSTED when banks have not pinned each other)',
      );
    }
    return this.startCounting(round);
  }

  /** Plaintext: the feature statistics are in; the coordinator records their sum, then every member trains with it. */
  async closePlainStats(round: Round): Promise<void> {
    const problem = await this.stats.recordPlainSum(round);
    if (problem) return this.transitions.fail(round, 'STATS_UNUSABLE', problem);
    await this.startCollecting(round, await this.policy.activeMembers(round.federationId));
  }

  async startCollecting(round: Round, members: string[]): Promise<void> {
    await this.transitions.transition(round, 'collecting');
    await this.dispatch.train(round, members);
  }

  /** Plaintext: each member sends its feature statistics in the clear, in a quarter of the round's time. */
  private async startPlainStats(round: Round): Promise<void> {
    // Assigned first: a restart before the transition finds the round still open and comes back here.
    await this.stats.collectInRound(round.federationId, round.id);
    await this.transitions.transition(round, 'counting', undefined, {
      countDeadlineAt: this.countDeadline(round),
    });
    await this.dispatch.count(round, await this.policy.activeMembers(round.federationId));
  }

  /** Secure mode: once the federation has a key epoch for its current members, collect encrypted sample counts. */
  private async startCounting(round: Round): Promise<void> {
    const epoch = await this.keys.ensureEpoch(round.federationId);
    if (!epoch) return; // a key ceremony is under way; the next tick retries
    const countDeadlineAt = this.countDeadline(round);
    // A new epoch may have re-sealed the current model: train from the copy every member can open.
    const base = await this.models.latest(round.federationId);
    await this.transitions.transition(round, 'counting', undefined, {
      keyEpoch: epoch.epoch,
      countDeadlineAt,
      baseModelVersionId: base.id,
    });
    // Plans with federated standardisation: this round's members also add their encrypted feature moments.
    await this.stats.collectInRound(round.federationId, round.id);
    await this.dispatch.count(round, await this.policy.epochMembers(round), epoch.parameterSet);
  }

  /** A quarter of the round's time for counts (or statistics), the rest for training. */
  private countDeadline(round: Round): number {
    const now = this.clock.now();
    return now + Math.max(1000, Math.floor((round.deadlineAt - now) / 4));
  }
}
