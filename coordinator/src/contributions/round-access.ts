import { Injectable } from '@nestjs/common';
import type { ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { EvaluationDriver } from '../rounds/evaluation-driver.service';
import type { Participant } from '../participants/participant.entity';
import { ContributionPolicy } from '../rounds/contribution-policy.service';
import { ConfirmedPublication, type MemberConfirmation } from '../rounds/confirmed-publication.service';
import type { Round } from '../rounds/round.entity';
import { RoundStepper } from '../rounds/round-stepper.service';
import { RoundViews } from '../rounds/round-views.service';
import { TaskOffers } from '../rounds/task-offers.service';

/**
 * Every call the participant-facing side makes into rounds, in one place, so the
 * rounds services can be re-split without touching intake or the gRPC handlers.
 */
@Injectable()
export class RoundAccess {
  constructor(
    private readonly views: RoundViews,
    private readonly policy: ContributionPolicy,
    private readonly stepper: RoundStepper,
    private readonly evaluations: EvaluationDriver,
    private readonly publication: ConfirmedPublication,
    private readonly offers: TaskOffers,
  ) {}

  get(roundId: string): Promise<Round> {
    return this.views.get(roundId);
  }

  assertMayContribute(round: Round, participantId: string, kind: ContributionKind, em?: EntityManager): Promise<void> {
    return this.policy.assertMayContribute(round, participantId, kind, em);
  }

  /** Closes the phase early when this was the last expected contribution. */
  async afterContribution(roundId: string, kind: ContributionKind): Promise<void> {
    if (kind === 'evaluation') return this.evaluations.advance(roundId);
    return this.stepper.advance(await this.views.get(roundId));
  }

  publishFromMember(
    p: Participant,
    r: { roundId: string; baseModelVersionId: string; encoding: string; data: Buffer },
  ): Promise<string> {
    return this.publication.publish(p, r);
  }

  /** A member confirms the model it computed from the round's sum; the publisher's is recorded once one does. */
  confirmModel(p: Participant, c: MemberConfirmation): Promise<string> {
    return this.publication.confirm(p, c);
  }

  /** Rounds waiting for keys can start counting now. */
  tick(): Promise<void> {
    return this.stepper.tick();
  }

  onSubscribe(p: Participant): Promise<void> {
    return this.offers.onSubscribe(p);
  }
}
