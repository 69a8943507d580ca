import { exactMetrics, type ExactMetrics } from '@syndicate/protocol';
import { predict } from '../../evaluation/metrics';
import { contributeEvaluation, writeLocalEvaluation } from '../federated-evaluation';
import { ensureStandardized } from '../federated-standardization';
import { globalPayload, weightsOf } from '../global-model';
import type { TaskExecutor } from './task-executor';

/** EVALUATE: score the holdout, keep this bank's metrics here, contribute histograms to the consortium's. */
export const evaluateExecutor: TaskExecutor = {
  async execute(task, ctx) {
    await ctx.sums.prepare(task, 'evaluation');
    await ensureStandardized(task, ctx);
    const payload = await globalPayload(ctx, task.modelVersionId);
    const weights = weightsOf(ctx.data.plan, payload);
    const holdout = ctx.data.holdout;
    const { validation, test } = ctx.data.validationTest;
    const plan = ctx.data.plan;
    const scored = async (rows: typeof holdout) => ({
      scores: await predict(plan, weights, rows),
      labels: rows.labels,
    });
    const [all, v, t] = [await scored(holdout), await scored(validation), await scored(test)];
    let file: string | undefined;
    const { stateDir } = ctx.files;
    const metrics = exactMetrics(all.scores, all.labels);
    const keep = (parts: { validation: ExactMetrics | null; test: ExactMetrics | null }) => {
      if (stateDir)
        file = writeLocalEvaluation(stateDir, {
          roundNumber: task.roundNumber,
          modelVersionId: task.modelVersionId,
          evaluatedAt: new Date().toISOString(),
          metrics,
          ...parts,
        });
    };
    const local = await contributeEvaluation({
      task,
      sums: ctx.sums,
      keys: ctx.keys,
      spec: ctx.spec,
      bins: plan.evaluation.bins,
      validation: v,
      test: t,
      keep,
    });
    ctx.logger.info(
      {
        round: task.roundNumber,
        auc: metrics.rocAuc,
        validationAuc: local.validation?.rocAuc,
        testAuc: local.test?.rocAuc,
        holdout: metrics.numExamples,
        keptIn: file,
      },
      "evaluated on this bank's validation and test rows (kept here); histograms contributed",
    );
  },
};
