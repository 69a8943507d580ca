import { trainLocal } from '../../training/local-trainer';
import { globalPayload, weightsOf } from '../global-model';
import { memberWeight, sendEncryptedDelta } from '../secure-round';
import { keepLocalResult } from './local-result-file';
import type { TaskExecutor } from './task-executor';

/** Secure round: weight from the decrypted consortium total, then an encrypted weighted delta. */
export const secureTrainExecutor: TaskExecutor = {
  async execute(task, ctx) {
    const log = ctx.logger;
    const { sums, keys, spec } = ctx;
    // Mask keys first: the adverts close while this member is still training.
    await sums.prepare(task, 'model');
    const basePayload = await globalPayload(ctx, task.modelVersionId);
    const global = weightsOf(ctx.data.plan, basePayload);
    const numSamples = ctx.data.train.rows;
    const { weight } = await memberWeight({ task, sums, keys, spec, numSamples });
    log.info({ round: task.roundNumber, model: task.modelVersionId }, 'training');
    const result = await trainLocal({
      plan: ctx.data.plan,
      globalWeights: global,
      data: ctx.data.train,
      seed: task.roundNumber,
      round: task.roundNumber,
    });
    keepLocalResult(ctx.files.keepUpdatesDir, {
      roundNumber: task.roundNumber,
      roundId: task.roundId,
      weights: result.weights,
      numSamples: result.numSamples,
      global,
    });
    ctx.memory.rememberBase(task.roundId, basePayload, weight);
    const sent = await sendEncryptedDelta({ task, sums, keys, spec, global, local: result.weights, weight });
    if (sent.clipped > 0)
      log.warn(
        { round: task.roundNumber, clipped: sent.clipped, clip: spec.clip },
        'update values clipped; consider a larger aggregation.secure.clip',
      );
    log.info(
      {
        round: task.roundNumber,
        receipt: sent.receiptId,
        bytes: sent.bytes,
        loss: result.finalLoss,
        seconds: result.seconds,
      },
      'encrypted update accepted',
    );
  },
};
