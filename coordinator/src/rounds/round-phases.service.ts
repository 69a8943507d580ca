import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { KeyCeremony } from '../keys/key-ceremony.service';
import { ModelsService } from '../models/models.service';
import { StandardizationService } from '../standardization/standardization.service';
import { ContributionPolicy } from './contribution-policy.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';
import { RoundTransitions } from './round-transitions.service';
import { TaskDispatch } from './task-dispatch.service';

/** Starts a round's phases: leaving open, counting (secure) and collecting, each with the tasks it sends. */
@Injectable()
export class RoundPhases {
  constructor(
    private readonly transitions: RoundTransitions,
    private readonly keys: KeyCeremony,
    private readonly models: ModelsService,
    private readonly standardization: StandardizationService,
    private readonly dispatch: TaskDispatch,
    private readonly policy: ContributionPolicy,
    private readonly clock: Clock,
  ) {}

  /** The step out of `open`: straight to collecting, or (secure) to counting once a key epoch is ready. */
  async leaveOpen(round: Round): Promise<void> {
    if (roundMode(round).firstPhase === 'collecting')
      return this.startCollecting(round, await this.policy.activeMembers(round.federationId));
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

  async startCollecting(round: Round, members: string[]): Promise<void> {
    await this.transitions.transition(round, 'collecting');
    await this.dispatch.train(round, members);
  }

  /** Secure mode: once the federation has a key epoch for its current members, collect encrypted sample counts. */
  private async startCounting(round: Round): Promise<void> {
    const epoch = await this.keys.ensureEpoch(round.federationId);
    if (!epoch) return; // a key ceremony is under way; the next tick retries
    const now = this.clock.now();
    // A quarter of the round's time for counts, the rest for training.
    const countDeadlineAt = now + Math.max(1000, Math.floor((round.deadlineAt - now) / 4));
    // A new epoch may have re-sealed the current model: train from the copy every member can open.
    const base = await this.models.latest(round.federationId);
    await this.transitions.transition(round, 'counting', undefined, {
      keyEpoch: epoch.epoch,
      countDeadlineAt,
      baseModelVersionId: base.id,
    });
    // Plans with federated standardisation: this round's members also add their encrypted feature moments.
    await this.standardization.collectInRound(round.federationId, round.id);
    await this.dispatch.count(round, await this.policy.epochMembers(round), epoch.parameterSet);
  }
}
