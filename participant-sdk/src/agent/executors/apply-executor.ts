import { ensureStandardized } from '../federated-standardization';
import { globalPayload } from '../global-model';
import { confirmModel } from '../model-confirmation';
import { applyAggregate } from '../secure-round';
import type { TaskExecutor } from './task-executor';

/**
 * APPLY: decrypt the round's sum, apply it to the round's base model, publish when asked to, and
 * confirm the model's hash: the publisher's model is recorded only once another member confirms it.
 */
export const applyExecutor: TaskExecutor = {
  async execute(task, ctx) {
    await ensureStandardized(task, ctx);
    const base = ctx.memory.baseOf(task.roundId) ?? (await globalPayload(ctx, task.modelVersionId));
    const r = await applyAggregate({
      task,
      client: ctx.client,
      sums: ctx.sums,
      keys: ctx.keys,
      ownWeight: ctx.memory.weightIn(task.roundId),
      spec: ctx.spec,
      plan: ctx.data.plan,
      base,
    });
    ctx.memory.rememberApplied(task.roundNumber, r.payload);
    ctx.memory.forgetBase(task.roundId);
    const recorded = await confirmModel(ctx.identity, {
      roundId: task.roundId,
      keyEpoch: task.keyEpoch,
      baseModelVersionId: task.modelVersionId,
      payload: r.payload,
    });
    ctx.logger.info(
      {
        round: task.roundNumber,
        contributors: r.contributors,
        errorBound: r.errorBound,
        published: r.modelVersionId,
        recorded: recorded || 'awaiting another member',
      },
      'aggregate decrypted and applied',
    );
  },
};
