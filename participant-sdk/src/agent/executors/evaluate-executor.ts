import { exactMetrics, type ExactMetrics, type Task__Output } from '@syndicate/protocol';
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
      client: ctx.client,
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
