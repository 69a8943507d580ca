import type { ExactMetrics } from '@syndicate/protocol';
import { predict } from '../../evaluation/metrics';
import { contributeEvaluation, writeLocalEvaluation } from '../federated-evaluation';
import { ensureStandardized } from '../federated-standardization';
import { globalPayload, weightsOf } from '../global-model';
import type { TaskExecutor } from './task-executor';

/** EVALUATE: score the holdout, keep this bank's metrics here, contribute histograms to the consortium's. */
export const evaluateExecutor: TaskExecutor = {
  async execute(task, ctx) {
    await ensureStandardized(task, ctx);
    const payload = await globalPayload(ctx, task.modelVersionId);
    const weights = weightsOf(ctx.data.plan, payload);
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
