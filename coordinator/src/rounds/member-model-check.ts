import { decodeFloat32, modelPayloadFloats, sealedModelEpoch, type TrainingPlan } from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';
import { SEALED_ENCODING } from '../keys/key-custody.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';

export interface MemberModel {
  roundId: string;
  baseModelVersionId: string;
  encoding: string;
  data: Buffer;
}

/** Members-only release keeps the model sealed under the round's key; otherwise it is published in the clear. */
export const releaseEncoding = (plan: TrainingPlan): string =>
  plan.aggregation.secure.releasePolicy === 'members-only' ? SEALED_ENCODING : 'PAYLOAD_ENCODING_FLOAT32_LE';

/** Throws unless the round takes a member's model now. */
export function assertTakesMemberModel(round: Round, m: Pick<MemberModel, 'baseModelVersionId'>): void {
  if (roundMode(round).publishedBy !== 'member' || round.state !== 'aggregating') {
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      'ROUND_NOT_AGGREGATING',
      `round ${round.number} is ${round.state}; it does not take a published model`,
    );
  }
  if (m.baseModelVersionId !== round.baseModelVersionId) {
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      'STALE_BASE_MODEL',
      `model was computed from ${m.baseModelVersionId}, round ${round.number} started from ${round.baseModelVersionId}`,
    );
  }
}

/** Throws unless the payload has the release policy's encoding and the plan's size (weights, then optimizer moments). */
export function assertMemberPayload(round: Round, m: MemberModel, plan: TrainingPlan, numParams: number): void {
  const wanted = releaseEncoding(plan);
  if (m.encoding !== wanted) {
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      'WRONG_RELEASE_ENCODING',
      `release policy ${plan.aggregation.secure.releasePolicy} requires ${wanted}, got ${m.encoding}`,
    );
  }
  const floats = modelPayloadFloats(plan);
  try {
    if (wanted === SEALED_ENCODING) {
      if (sealedModelEpoch(m.data) !== round.keyEpoch)
        throw new SyndicateError(
          'INVALID_ARGUMENT',
          'WRONG_KEY_EPOCH',
          `model must be sealed under key epoch ${round.keyEpoch}`,
        );
      if (m.data.length !== 8 + 24 + 16 + 4 * floats)
        throw new SyndicateError(
          'INVALID_ARGUMENT',
          'SHAPE_MISMATCH',
          `sealed model size does not match ${floats} values (${numParams} parameters, ${plan.serverOptimizer.type})`,
        );
    } else {
      decodeFloat32(m.data, floats);
    }
  } catch (err) {
    if (err instanceof SyndicateError) throw err;
    throw new SyndicateError('INVALID_ARGUMENT', 'BAD_MODEL_PAYLOAD', (err as Error).message);
  }
}
