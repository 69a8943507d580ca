import { encodeFloat32 } from '@syndicate/protocol';
import { trainLocal } from '../../training/local-trainer';
import { globalPayload, weightsOf } from '../global-model';
import { keepLocalResult } from './local-result-file';
import type { TaskExecutor } from './task-executor';

/** Plaintext round: train from the global model and upload the local weights. */
export const plainTrainExecutor: TaskExecutor = {
  async execute(task, ctx) {
    const log = ctx.logger;
    log.info({ round: task.roundNumber, model: task.modelVersionId }, 'training');
    const global = weightsOf(ctx.data.plan, await globalPayload(ctx, task.modelVersionId));
    const result = await trainLocal({
      plan: ctx.data.plan,
      globalWeights: global,
      data: ctx.data.train,
      seed: task.roundNumber,
      round: task.roundNumber,
    });
    const payload = encodeFloat32(result.weights);
    keepLocalResult(ctx.files.keepUpdatesDir, {
      roundNumber: task.roundNumber,
      roundId: task.roundId,
      weights: result.weights,
      numSamples: result.numSamples,
      global,
    });
    const receipt = await ctx.client.uploadUpdate({
      roundId: task.roundId,
      baseModelVersionId: task.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: result.weights.length,
      numSamples: result.numSamples,
      payload,
    });
    log.info(
      { round: task.roundNumber, receipt: receipt.receiptId, loss: result.finalLoss, seconds: result.seconds },
      'update accepted',
    );
  },
};
