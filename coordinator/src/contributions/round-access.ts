import { Injectable } from '@nestjs/common';
import type { ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import { RoundsService } from '../rounds/rounds.service';

/**
 * Every call the participant-facing side makes into rounds, in one place, so the
 * rounds services can be re-split without touching intake or the gRPC handlers.
 */
@Injectable()
export class RoundAccess {
  constructor(private readonly rounds: RoundsService) {}

  get(roundId: string): Promise<Round> {
    return this.rounds.get(roundId);
  }

  assertMayContribute(round: Round, participantId: string, kind: ContributionKind, em?: EntityManager): Promise<void> {
    return this.rounds.assertMayContribute(round, participantId, kind, em);
  }

  /** Closes the phase early when this was the last expected contribution. */
  async afterContribution(roundId: string, kind: ContributionKind): Promise<void> {
    if (kind === 'evaluation') return this.rounds.advanceEvaluation(roundId);
    return this.rounds.advance(await this.rounds.get(roundId));
  }

  publishFromMember(
    p: Participant,
    r: { roundId: string; baseModelVersionId: string; encoding: string; data: Buffer },
  ): Promise<string> {
    return this.rounds.publishFromMember(p, r);
  }

  /** Rounds waiting for keys can start counting now. */
  tick(): Promise<void> {
    return this.rounds.tick();
  }

  onSubscribe(p: Participant): Promise<void> {
    return this.rounds.onSubscribe(p);
  }
}
