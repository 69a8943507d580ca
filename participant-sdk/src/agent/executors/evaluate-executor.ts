import type { ExactMetrics, Task__Output } from '@syndicate/protocol';
import { predict } from '../../evaluation/metrics';
import type { AgentContext } from '../agent-context';
import { contributeEvaluation, writeLocalEvaluation } from '../federated-evaluation';
import { ensureStandardized } from '../federated-standardization';
import { globalPayload, weightsOf } from '../global-model';
import type { TaskExecutor } from './task-executor';

/** Every member derives the same payload (weights and optimizer state) from the same aggregate; a difference means tampering. */
function checkPublished(task: Task__Output, ctx: AgentContext, payload: Float32Array): void {
  const mine = ctx.memory.takeApplied(task.roundNumber);
  if (!mine) return;
  const same = Buffer.from(mine.buffer, mine.byteOffset, mine.byteLength).equals(
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
  );
  if (!same)
    ctx.logger.error(
      { round: task.roundNumber, model: task.modelVersionId },
      'published model differs from the one this member computed from the aggregate',
    );
}

/** EVALUATE: score the holdout, keep this bank's metrics here, contribute histograms to the consortium's. */
export const evaluateExecutor: TaskExecutor = {
  async execute(task, ctx) {
    await ensureStandardized(task, ctx);
    const payload = await globalPayload(ctx, task.modelVersionId);
    const weights = weightsOf(ctx.data.plan, payload);
    checkPublished(task, ctx, payload);
    const holdout = ctx.data.holdout;
    const scores = await predict(ctx.data.plan, weights, holdout);
    let file: string | undefined;
    const { stateDir } = ctx.files;
    const keep = (metrics: ExactMetrics) => {
      if (stateDir)
        file = writeLocalEvaluation(stateDir, {
          roundNumber: task.roundNumber,
          modelVersionId: task.modelVersionId,
          evaluatedAt: new Date().toISOString(),
          metrics,
        });
    };
    const { local: m } = await contributeEvaluation({
      task,
      sums: ctx.sums,
      keys: ctx.keys,
      spec: ctx.spec,
      bins: ctx.data.plan.evaluation.bins,
      scores,
      labels: holdout.labels,
      keep,
    });
    ctx.logger.info(
      { round: task.roundNumber, auc: m.rocAuc, ks: m.ks, brier: m.brier, holdout: m.numExamples, keptIn: file },
      "evaluated on this bank's holdout (kept here); histograms contributed",
    );
  },
};
