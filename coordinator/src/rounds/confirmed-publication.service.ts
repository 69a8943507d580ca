import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { modelConfirmationValid } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { createHash } from 'crypto';
import { AggregationService } from '../aggregation/aggregation.service';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import type { Participant } from '../participants/participant.entity';
import type { MemberModel } from './member-model-check';
import { ModelConfirmationRecord } from './model-confirmation.entity';
import { PendingPublication } from './pending-publication.entity';
import { judgePublication, publicationDeadline } from './publication-agreement';
import { Publication } from './publication.service';
import { Round } from './round.entity';
import { findRound } from './round-views.service';
import { RoundTransitions } from './round-transitions.service';

/** A member's confirmation of the model it computed, as received (hash and signature raw). */
export interface MemberConfirmation {
  roundId: string;
  baseModelVersionId: string;
  modelSha256: Buffer;
  signature: Buffer;
}

/**
 * Secure rounds publish in two steps: the publisher's model is held as pending, and recorded (as the
 * federation's next model, evaluated) only once another member that applied the sum confirms the
 * same SHA-256 in a signed statement. A confirmation that differs is refused and audited; a round
 * whose publication is never confirmed fails at its publication deadline (PUBLICATION_UNCONFIRMED).
 */
@Injectable()
export class ConfirmedPublication {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publication: Publication,
    private readonly aggregation: AggregationService,
    private readonly audit: AuditService,
    private readonly transitions: RoundTransitions,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The publisher uploads its model: held until confirmed. Returns the version once recorded, '' while pending. */
  async publish(p: Participant, r: MemberModel): Promise<string> {
    const { round, publishedAs } = await this.publication.checkMemberModel(p, r);
    if (publishedAs) return publishedAs;
    const payloadSha256 =
      r.encoding === 'PAYLOAD_ENCODING_FLOAT32_LE' ? createHash('sha256').update(r.data).digest('hex') : null;
    const confirmed = await this.confirmations(round.id);
    const other = payloadSha256 && confirmed.find((c) => c.modelSha256 !== payloadSha256);
    if (other) await this.refuse(round, p.id, payloadSha256, other.participantId, other.modelSha256);
    await this.db
      .createQueryBuilder()
      .insert()
      .into(PendingPublication)
      .values({
        roundId: round.id,
        federationId: round.federationId,
        publisherId: p.id,
        encoding: r.encoding,
        data: r.data,
        payloadSha256,
        createdAt: this.clock.now(),
      })
      .orIgnore() // a replacement publisher's upload of the same round: the first one is held
      .execute();
    return (await this.recordIfAgreed(round)) ?? '';
  }

  /** A member that applied the sum confirms the model it computed. Returns the version once recorded, '' while pending. */
  async confirm(p: Participant, c: MemberConfirmation): Promise<string> {
    const round = await findRound(this.db.getRepository(Round), c.roundId);
    if (round.federationId !== p.federationId)
      throw new SyndicateError('PERMISSION_DENIED', 'WRONG_FEDERATION', `round ${c.roundId} is not in your federation`);
    await this.assertConfirmable(round, p, c);
    const sha256 = c.modelSha256.toString('hex');
    const pending = await this.pending(round.id);
    const other =
      (await this.confirmations(round.id)).find((x) => x.modelSha256 !== sha256) ??
      (pending?.payloadSha256 && pending.payloadSha256 !== sha256
        ? { participantId: pending.publisherId, modelSha256: pending.payloadSha256 }
        : undefined);
    if (other) await this.refuse(round, p.id, sha256, other.participantId, other.modelSha256);
    await this.db
      .createQueryBuilder()
      .insert()
      .into(ModelConfirmationRecord)
      .values({
        roundId: round.id,
        participantId: p.id,
        modelSha256: sha256,
        signature: c.signature.toString('hex'),
        createdAt: this.clock.now(),
      })
      .orIgnore() // the same member again: its first statement stands
      .execute();
    // Two members confirming different digests at the same moment: whoever sees the other withdraws.
    const clash = (await this.confirmations(round.id)).find((x) => x.modelSha256 !== sha256);
    if (clash) {
      await this.db
        .getRepository(ModelConfirmationRecord)
        .delete({ roundId: round.id, participantId: p.id, modelSha256: sha256 });
      await this.refuse(round, p.id, sha256, clash.participantId, clash.modelSha256);
    }
    if (round.state === 'published') return round.resultModelVersionId ?? '';
    return (await this.recordIfAgreed(round)) ?? '';
  }

  /** Fails an aggregating round whose held model found no confirming member by the publication deadline. */
  async failIfUnconfirmed(round: Round): Promise<boolean> {
    if (round.state !== 'aggregating' || this.clock.now() < publicationDeadline(round)) return false;
    const pending = await this.pending(round.id);
    if (!pending) return false; // nobody published: the publisher election keeps asking, as before
    const verdict = judgePublication({ pending, confirmations: await this.confirmations(round.id) });
    if (verdict.kind === 'record') return false;
    await this.transitions.fail(
      round,
      'PUBLICATION_UNCONFIRMED',
      `the model ${pending.publisherId} published was not confirmed by another member by the publication deadline (${verdict.why}); no model was recorded`,
    );
    return true;
  }

  private async recordIfAgreed(round: Round): Promise<string | null> {
    const pending = await this.pending(round.id);
    const verdict = judgePublication({ pending, confirmations: await this.confirmations(round.id) });
    if (verdict.kind !== 'record' || !pending) return null;
    const fresh = await findRound(this.db.getRepository(Round), round.id);
    if (fresh.state === 'published') return fresh.resultModelVersionId;
    if (fresh.state !== 'aggregating') return null;
    const id = await this.publication.recordMemberModel(fresh, pending);
    await this.audit.record({
      actor: 'system',
      action: 'publication.confirmed',
      federationId: round.federationId,
      subject: round.id,
      detail: {
        round: round.number,
        modelVersionId: id,
        sha256: verdict.sha256,
        publisher: pending.publisherId,
        confirmedBy: verdict.confirmedBy,
      },
    });
    return id;
  }

  private async assertConfirmable(round: Round, p: Participant, c: MemberConfirmation): Promise<void> {
    if (round.state !== 'aggregating' && round.state !== 'published')
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'ROUND_NOT_AGGREGATING',
        `round ${round.number} is ${round.state}; it takes no model confirmation`,
      );
    if (c.baseModelVersionId !== round.baseModelVersionId)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'STALE_BASE_MODEL',
        `model was computed from ${c.baseModelVersionId}, round ${round.number} started from ${round.baseModelVersionId}`,
      );
    const contributors = await this.aggregation.contributors(round.id);
    if (!contributors.some((x) => x.participantId === p.id))
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_CONTRIBUTOR',
        `participant ${p.id} did not contribute to round ${round.number} and cannot confirm its model`,
      );
    const statement = { ...c, federationId: round.federationId, participantId: p.id };
    if (!modelConfirmationValid(statement, Buffer.from(p.signingPublicKey, 'hex')))
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'BAD_MODEL_CONFIRMATION',
        `the model confirmation for round ${round.number} is not a 32-byte SHA-256 signed by ${p.id} over federation, round and base model`,
      );
  }

  private async refuse(round: Round, by: string, sha256: string, other: string, theirs: string): Promise<never> {
    await this.audit.record({
      actor: by,
      action: 'publication.mismatch',
      federationId: round.federationId,
      subject: round.id,
      detail: { round: round.number, sha256, differsFrom: other, theirSha256: theirs },
    });
    this.log.warn({ roundId: round.id, by, other }, 'model confirmation refused: members computed different models');
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      'MODEL_CONFIRMATION_MISMATCH',
      `the model you computed for round ${round.number} (sha256 ${sha256}) differs from the one ${other} stated (${theirs}); neither is recorded, both are in the audit log`,
    );
  }

  private pending(roundId: string): Promise<PendingPublication | null> {
    return this.db.getRepository(PendingPublication).findOne({ where: { roundId } });
  }

  private confirmations(roundId: string): Promise<ModelConfirmationRecord[]> {
    return this.db.getRepository(ModelConfirmationRecord).find({ where: { roundId }, order: { createdAt: 'ASC' } });
  }
}
