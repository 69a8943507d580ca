import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { encodeFloat32, type TrainingPlan } from '@syndicate/protocol';
import type { DataSource } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EvaluationDriver } from './evaluation-driver.service';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import { FederationsService } from '../federations/federations.service';
import { SEALED_ENCODING } from '../keys/key-custody.service';
import { ModelsService } from '../models/models.service';
import type { Participant } from '../participants/participant.entity';
import { assertMemberPayload, assertTakesMemberModel, releaseEncoding, type MemberModel } from './member-model-check';
import { needsBaseModel, nextPayload } from './next-payload';
import { Round } from './round.entity';
import { findRound } from './round-views.service';
import { RoundTransitions } from './round-transitions.service';

/** Turns a closed round into the federation's next model, and opens that model's evaluation with it. */
@Injectable()
export class Publication {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly federations: FederationsService,
    private readonly models: ModelsService,
    private readonly aggregation: AggregationService,
    private readonly transitions: RoundTransitions,
    private readonly evaluations: EvaluationDriver,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Checks a member's upload of the round's model (a contributor, the round's base, the release encoding
   * and size); `publishedAs` when the round already has its model (late publishers are idempotent).
   */
  async checkMemberModel(p: Participant, r: MemberModel): Promise<{ round: Round; publishedAs?: string }> {
    const round = await findRound(this.db.getRepository(Round), r.roundId);
    if (round.federationId !== p.federationId)
      throw new SyndicateError('PERMISSION_DENIED', 'WRONG_FEDERATION', `round ${r.roundId} is not in your federation`);
    if (round.state === 'published' && round.resultModelVersionId)
      return { round, publishedAs: round.resultModelVersionId };
    assertTakesMemberModel(round, r);
    const contributors = await this.aggregation.contributors(round.id);
    if (!contributors.some((c) => c.participantId === p.id)) {
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_CONTRIBUTOR',
        `participant ${p.id} did not contribute to round ${round.number} and cannot publish its model`,
      );
    }
    const plan = this.federations.plan(await this.federations.entity(round.federationId));
    const base = await this.models.summary(round.baseModelVersionId);
    assertMemberPayload(round, r, plan, base.numParams);
    return { round };
  }

  /**
   * Records a member's model once members agreed on it (confirmed-publication.service.ts) and opens
   * its evaluation in the same transaction. Idempotent: a second call returns the recorded version.
   */
  async recordMemberModel(round: Round, m: { publisherId: string; data: Buffer }): Promise<string> {
    const federation = await this.federations.entity(round.federationId);
    const plan = this.federations.plan(federation);
    const base = await this.models.summary(round.baseModelVersionId);
    const contributors = await this.aggregation.contributors(round.id);
    const wanted = releaseEncoding(plan);
    let evaluation: ModelEvaluation | undefined;
    const modelId = await this.db.transaction(async (em) => {
      const existing = await this.models.byRound(round.federationId, round.number, em);
      if (existing) return existing.id;
      const model = await this.models.create(
        {
          federationId: round.federationId,
          roundNumber: round.number,
          contributors: contributors.length,
          encoding: wanted,
          numParams: base.numParams,
          planSha256: federation.planSha256,
          data: m.data,
          keyEpoch: wanted === SEALED_ENCODING ? round.keyEpoch : 0,
        },
        em,
      );
      round.resultModelVersionId = model.id;
      await this.transitions.transition(round, 'published', em);
      // Opened with the publication: a crash right after commit cannot leave a model that is never evaluated.
      evaluation = await this.evaluations.open(round, model.id, plan, em);
      return model.id;
    });
    this.log.info(
      {
        federationId: round.federationId,
        roundId: round.id,
        round: round.number,
        modelVersionId: modelId,
        publisher: m.publisherId,
      },
      'round published',
    );
    if (evaluation) await this.evaluations.offerEvaluation(round, evaluation);
    return modelId;
  }

  /** Plaintext: the coordinator averages the accepted updates and stores the next model itself. */
  async publish(round: Round): Promise<void> {
    const federation = await this.federations.entity(round.federationId);
    const plan = this.federations.plan(federation);
    const modelId = await this.db.transaction(async (em) => {
      // Idempotent: a coordinator that died after writing the model but before the state resumes here.
      const existing = await this.models.byRound(round.federationId, round.number, em);
      if (existing) return existing.id;
      const result = await this.aggregation.result(round.id, em);
      if (!result)
        throw new SyndicateError(
          'INTERNAL',
          'EMPTY_AGGREGATE',
          `round ${round.id} has no accepted updates to aggregate`,
        );
      const model = await this.models.create(
        {
          federationId: round.federationId,
          roundNumber: round.number,
          contributors: result.contributors,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: result.weights.length,
          planSha256: federation.planSha256,
          data: encodeFloat32(await this.nextPayload(plan, round, result.weights)),
        },
        em,
      );
      return model.id;
    });
    round.resultModelVersionId = modelId;
    await this.transitions.transition(round, 'published');
    this.log.info(
      { federationId: round.federationId, roundId: round.id, round: round.number, modelVersionId: modelId },
      'round published',
    );
    // Idempotent, like the publication above: a restart that resumes here opens it once.
    await this.evaluations.offerEvaluation(round, await this.evaluations.open(round, modelId, plan));
  }

  /** The next model's payload from the averaged weights (see next-payload.ts). */
  async nextPayload(plan: TrainingPlan, round: Round, averaged: Float32Array): Promise<Float32Array> {
    if (!needsBaseModel(plan)) return averaged;
    return nextPayload(plan, round.number, averaged, await this.models.withData(round.baseModelVersionId));
  }
}
