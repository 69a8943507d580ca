import { Injectable } from '@nestjs/common';
import type { ContributionKind } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import { duplicateContribution } from '../aggregation/receipts';
import { SyndicateError } from '../common/syndicate-error';
import { KeyCustodyService } from '../keys/key-custody.service';
import { MaskingService } from '../masking/masking.service';
import { ParticipantsService } from '../participants/participants.service';
import { StandardizationService } from '../standardization/standardization.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';

/** Who may contribute what to a round, and whom a round waits for. */
@Injectable()
export class ContributionPolicy {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly keys: KeyCustodyService,
    private readonly aggregation: AggregationService,
    private readonly standardization: StandardizationService,
    private readonly masking: MaskingService,
  ) {}

  /** A masked sum needs at least its threshold of members, or nobody's masks can come off: 0 when the sum is not masked. */
  maskThreshold(roundId: string, kind: ContributionKind): Promise<number> {
    return this.masking.threshold(roundId, kind);
  }

  /** Fixes who is in a masked sum as its phase closes (null: not masked); below the threshold nothing is decrypted. */
  closeMasked(roundId: string, kind: ContributionKind, contributors: readonly string[]) {
    return this.masking.fixSurvivors(roundId, kind, contributors);
  }

  /** Fails a masked sum fewer than its threshold of survivors unmasked in time (null: not masked, or unmasked). */
  failUnrevealed(roundId: string, kind: ContributionKind) {
    return this.masking.failIfUnrevealed(roundId, kind);
  }

  async activeMembers(federationId: string): Promise<string[]> {
    return (await this.participants.active(federationId)).map((p) => p.id);
  }

  /** Active members holding the round's key epoch. */
  async epochMembers(round: Round): Promise<string[]> {
    const members = KeyCustodyService.members(await this.keys.epoch(round.federationId, round.keyEpoch));
    const active = new Set(await this.activeMembers(round.federationId));
    return members.filter((m) => active.has(m));
  }

  /** Whom a round's phases address: members holding its key epoch (secure), or every active member (plaintext). */
  async roundMembers(round: Round): Promise<string[]> {
    return roundMode(round).audience === 'key-members'
      ? this.epochMembers(round)
      : this.activeMembers(round.federationId);
  }

  /** Who evaluates a round's model: its members. */
  evaluators(round: Round): Promise<string[]> {
    return this.roundMembers(round);
  }

  /** Members whose part of the counting phase is in (their count, secure; their feature statistics, plaintext). */
  async countedInPhase(round: Round): Promise<string[]> {
    const kind = roundMode(round).countingKind;
    return (await this.aggregation.contributors(round.id, undefined, kind)).map((c) => c.participantId);
  }

  /** How many updates the round waits for before closing early: counted members still active, or every active one. */
  async expectedUpdates(round: Round): Promise<number> {
    const active = new Set(await this.activeMembers(round.federationId));
    if (!roundMode(round).updatesNeedCount) return active.size;
    // The members whose counts are in the sum, minus any revoked since.
    return (await this.counted(round.id)).filter((id) => active.has(id)).length;
  }

  /** Members whose sample count is in the round's count sum. */
  async counted(roundId: string, em?: EntityManager): Promise<string[]> {
    return (await this.aggregation.contributors(roundId, em, 'count')).map((c) => c.participantId);
  }

  async hasContributed(roundId: string, participantId: string, kind: ContributionKind): Promise<boolean> {
    return (await this.aggregation.contributors(roundId, undefined, kind)).some(
      (c) => c.participantId === participantId,
    );
  }

  /**
   * A re-send of a part the masked sum already holds (its answer was lost, say to a coordinator restart)
   * is settled, as without masking, even once the sum stopped taking parts: not a refusal to act on.
   */
  private async assertMaskCommitted(roundId: string, participantId: string, kind: ContributionKind): Promise<void> {
    try {
      await this.masking.assertCommitted(roundId, participantId, kind);
    } catch (err) {
      if (await this.hasContributed(roundId, participantId, kind))
        throw duplicateContribution({ roundId, participantId, kind });
      throw err;
    }
  }

  /**
   * Secure mode: only members whose count is in the count sum may contribute, so the weights add up.
   * Statistics come only from the round's members while it collects them (plaintext: any active member).
   */
  async assertMayContribute(
    round: Round,
    participantId: string,
    kind: ContributionKind,
    em?: EntityManager,
  ): Promise<void> {
    // A masked sum takes only members every peer masked with; checked before the payload is read.
    if (!em) await this.assertMaskCommitted(round.id, participantId, kind);
    if (kind === 'evaluation') {
      if (!(await this.evaluators(round)).includes(participantId)) {
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'NOT_AN_EVALUATOR',
          `participant ${participantId} cannot evaluate round ${round.number}'s model (it does not hold key epoch ${round.keyEpoch}, or is not active)`,
        );
      }
      return;
    }
    if (kind === 'stats' && !(await this.standardization.collectsIn(round.federationId, round.id)))
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'NO_STATS_PHASE',
        `round ${round.number} does not collect feature statistics`,
      );
    if (kind === 'count' || kind === 'stats') {
      if (!(await this.roundMembers(round)).includes(participantId)) {
        throw new SyndicateError(
          'PERMISSION_DENIED',
          'NOT_A_KEY_MEMBER',
          `participant ${participantId} does not hold key epoch ${round.keyEpoch}; it joins at the next round`,
        );
      }
      return;
    }
    if (!(await this.counted(round.id, em)).includes(participantId)) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'NOT_COUNTED',
        `participant ${participantId} sent no sample count in round ${round.number}, so its update cannot be weighted`,
      );
    }
  }
}
