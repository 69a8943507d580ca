import { Inject, Injectable } from '@nestjs/common';
import {
  evaluationDigest,
  type ParticipantServiceHandlers,
  type SubmitEvaluationRequest__Output,
  type SubmitEvaluationResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { AggregateReleaseService } from '../contributions/aggregate-release.service';
import { RoundAccess } from '../contributions/round-access';
import { EvaluationService } from '../evaluation/evaluation.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { reply, required } from './grpc-stream';

/** SubmitEvaluation: a member reports the decrypted sum of the round's score histograms. */
@Injectable()
export class EvaluationHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly evaluation: EvaluationService,
    private readonly release: AggregateReleaseService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'SubmitEvaluation'> {
    return {
      SubmitEvaluation: (call, callback) => reply(this.log, 'unary', this.submitEvaluation(call.request), callback),
    };
  }

  private async submitEvaluation(r: SubmitEvaluationRequest__Output): Promise<SubmitEvaluationResponse> {
    const env = required(r.envelope, 'envelope');
    const h = required(r.histogram, 'histogram');
    const t = required(r.testHistogram, 'test_histogram');
    const modelVersionId = required(r.modelVersionId, 'model_version_id');
    const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_EVALUATION_RESULT',
      payloadSha256: evaluationDigest(modelVersionId, r.contributors, h, t),
    });
    const record = (w: typeof h) => ({
      bins: w.bins,
      negatives: w.negatives.map(Number),
      positives: w.positives.map(Number),
      sumSquaredError: w.sumSquaredError,
      sumLogLoss: w.sumLogLoss,
    });
    await this.evaluation.report({
      participantId: p.id,
      federationId: p.federationId,
      roundId: round.id,
      modelVersionId,
      contributors: r.contributors,
      histogram: record(h),
      test: record(t),
      mayReport: () =>
        this.release.assertContributed(
          round,
          p,
          'evaluation',
          `sent no histogram for round ${round.number}, so it cannot report the sum`,
        ),
    });
    return { accepted: true };
  }
}
