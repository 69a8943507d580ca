import { reportEvaluation } from '../federated-evaluation';
import type { TaskExecutor } from './task-executor';

/** EVALUATION_RESULT: decrypt the consortium's histogram sum and report the metrics it gives. */
export const evaluationResultExecutor: TaskExecutor = {
  async execute(task, ctx) {
    const { validation: m, test } = await reportEvaluation({
      task,
      client: ctx.client,
      sums: ctx.sums,
      keys: ctx.keys,
      spec: ctx.spec,
      bins: ctx.data.plan.evaluation.bins,
      ownRows: ctx.data.holdout.rows,
    });
    ctx.logger.info(
      {
        round: task.roundNumber,
        validationAuc: m.rocAuc,
        validationRows: m.numExamples,
        testAuc: test?.rocAuc,
        testRows: test?.numExamples ?? 0,
      },
      'consortium evaluation decrypted and reported',
    );
  },
};
