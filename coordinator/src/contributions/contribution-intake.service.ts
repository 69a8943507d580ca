import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  contributionValues,
  contributionMaxBytes,
  modelLayout,
  planSecureSpec,
  WireFormatError,
  type ContributionKind,
  type ContributionStatement,
} from '@syndicate/protocol';
import type { DataSource, EntityManager } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import type { ContributionAccumulator } from '../aggregation/accumulators/contribution-accumulator';
import { lockedRound } from '../rounds/locked-round';
import type { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { AuditService } from '../audit/audit.service';
import { faultPoint } from '../common/fault-point';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EvaluationService } from '../evaluation/evaluation.service';
import { FederationsService } from '../federations/federations.service';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import {
  assertRoundTakes,
  assertShape,
  assertStillTakes,
  checksMembership,
  type ContributionClaim,
} from './contribution-rules';
import { RoundAccess } from './round-access';
import { assertSignedContribution } from './signed-contribution';

/** A contribution whose header passed every rule: what its payload must be, before any of it is read. */
export interface ContributionTicket {
  round: Round;
  participant: Participant;
  kind: ContributionKind;
  numParams: number;
  valueCount: number;
  parameterSet: string;
  /** The largest payload this contribution can be. */
  maxBytes: number;
  /** Secure mode: the sender's statement, kept on the receipt and shown to members with the sum. */
  statement: ContributionStatement | null;
}

/** Who sent which payload: kept on the receipt and in the audit entry. */
export interface ContributionEvidence {
  payloadSha256: string;
  signature: string;
  numSamples: number;
}

/**
 * Owns the upload rules: a header is admitted against the round's state, the
 * encoding and shape the plan implies, and the member's right to send; the payload
 * then commits with its receipt and its audit entry in one transaction ("durable
 * before accepted"), under the round's mutex and row lock.
 */
@Injectable()
export class ContributionIntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rounds: RoundAccess,
    private readonly evaluation: EvaluationService,
    private readonly federations: FederationsService,
    private readonly aggregation: AggregationService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** What the upload's signature must bind: secure contributions are signed for the round's key epoch. */
  signedFor(round: Round): { federationId: string; roundId: string; keyEpoch: number | undefined } {
    return {
      federationId: round.federationId,
      roundId: round.id,
      keyEpoch: checksEpoch(round) ? round.keyEpoch : undefined,
    };
  }

  async admit(round: Round, participant: Participant, claim: ContributionClaim): Promise<ContributionTicket> {
    const plan = await this.federations.planOf(round.federationId);
    const numParams = modelLayout(plan).numParams;
    const { parameterSet } = planSecureSpec(plan);
    assertRoundTakes(round, claim);
    assertShape(round, claim, numParams);
    const { kind } = claim;
    const valueCount = contributionValues(
      plan,
      kind,
      round.mode,
      kind === 'evaluation' ? await this.evaluationBins(round) : 0,
    );
    const maxBytes = await contributionMaxBytes(round.mode, valueCount, parameterSet);
    if (checksMembership(round, kind)) await this.rounds.assertMayContribute(round, participant.id, kind);
    const noProof = { payloadSha256: Buffer.alloc(0), signature: Buffer.alloc(0), digest: Buffer.alloc(0) };
    const statement = assertSignedContribution(round, participant, kind, claim.proof ?? noProof);
    return { round, participant, kind, numParams, valueCount, parameterSet, maxBytes, statement };
  }

  async accept(t: ContributionTicket, payload: Buffer, evidence: ContributionEvidence): Promise<UpdateReceipt> {
    const accumulator = this.aggregation.accumulatorFor(t.round.mode, t.kind);
    const contribution = {
      roundId: t.round.id,
      participantId: t.participant.id,
      kind: t.kind,
      payload,
      numSamples: t.kind === 'model' && t.round.mode === 'plaintext' ? evidence.numSamples : 0,
      numParams: t.numParams,
      valueCount: t.valueCount,
      keyEpoch: t.round.keyEpoch,
      parameterSet: t.parameterSet,
    };
    const decoded = accumulator.decode(contribution);
    const receipt = await this.aggregation.exclusive(t.round.id, async () => {
      let committed = false;
      try {
        const r = await this.db.transaction(async (em) => {
          await this.admitInTransaction(em, t, accumulator);
          const saved = await this.aggregation.fold(em, accumulator, contribution, decoded, {
            ...evidence,
            ...(t.statement && {
              contributionSignature: Buffer.from(t.statement.signature).toString('hex'),
              contributionDigest: Buffer.from(t.statement.digest).toString('hex'),
            }),
          });
          // The update.accepted entry commits with the receipt: no acknowledged update goes unaudited, even across a crash.
          await this.audit.recordIn(em, {
            actor: t.participant.id,
            action: 'update.accepted',
            federationId: t.round.federationId,
            subject: t.round.id,
            detail: {
              kind: t.kind,
              receiptId: saved.id,
              payloadSha256: evidence.payloadSha256,
              signature: evidence.signature,
              bytes: payload.length,
            },
          });
          return saved;
        });
        committed = true;
        return r;
      } finally {
        accumulator.settle?.(t.round.id, t.kind, committed);
      }
    });
    faultPoint(`upload.accepted.${t.kind}`); // test-only crash injection: committed, not yet acknowledged
    // Close early if this was the last expected contribution; errors here must not fail the upload.
    void this.rounds.afterContribution(t.round.id, t.kind).catch((err) => {
      // The driver moved the round first: its compare-and-set did the work, nothing failed.
      if (err instanceof SyndicateError && err.reason === 'ROUND_MOVED')
        return this.log.debug({ roundId: t.round.id }, 'round already moved on');
      this.log.error({ err }, 'advance after upload failed');
    });
    return receipt;
  }

  /** Every refused contribution from an authenticated member is audited with its hash and signature. */
  async recordRefusal(
    seen: { participant: Participant; round: Round; kind: string; payloadSha256: string; signature: string },
    err: unknown,
  ): Promise<void> {
    const reason =
      err instanceof SyndicateError ? err.reason : err instanceof WireFormatError ? `WIRE_${err.code}` : 'INTERNAL';
    await this.audit.record({
      actor: seen.participant.id,
      action: 'update.rejected',
      federationId: seen.round.federationId,
      subject: seen.round.id,
      detail: { kind: seen.kind, reason, payloadSha256: seen.payloadSha256, signature: seen.signature },
    });
  }

  /**
   * The checks inside the transaction: the phase still takes this kind (row-locked
   * on PostgreSQL, so closing waits for us), and the member may still send it.
   */
  private async admitInTransaction(em: EntityManager, t: ContributionTicket, acc: ContributionAccumulator) {
    if (t.kind === 'evaluation') {
      await this.evaluation.assertCollecting(t.round.id, em);
      if (acc.roundLock === 'exclusive') await lockedRound(em, t.round.id, 'exclusive');
    } else {
      assertStillTakes(await lockedRound(em, t.round.id, acc.roundLock), t.round.id, t.kind);
    }
    if (checksMembership(t.round, t.kind)) await this.rounds.assertMayContribute(t.round, t.participant.id, t.kind, em);
  }

  private async evaluationBins(round: Round): Promise<number> {
    const ev = await this.evaluation.byRound(round.id);
    if (!ev)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_NOT_COLLECTING',
        `round ${round.number}'s model is not being evaluated`,
      );
    return ev.bins;
  }
}

/** Ciphertexts are only valid under the key epoch the round was opened with. */
const checksEpoch = (round: Round): boolean => round.mode === 'secure';
