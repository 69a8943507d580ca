import { CoordinatorCallError } from '../coordinator-client';
import { sendFeatureStats } from '../federated-standardization';
import { DUPLICATE_STATS } from '../refusals';
import { sendSampleCount } from '../secure-round';
import type { TaskExecutor } from './task-executor';

/** COUNT: this member's encrypted sample count, preceded by its feature statistics when the round collects them. */
export const countExecutor: TaskExecutor = {
  async execute(task, ctx) {
    const { sums, keys, spec } = ctx;
    const stats = !ctx.data.standardized && task.statsRoundId === task.roundId;
    await sums.prepare(task, 'count');
    if (stats) await sums.prepare(task, 'stats');
    // Feature statistics first: a member whose count is in the sum has its moments in too.
    if (stats) {
      if (!ctx.files.dataFile)
        throw new Error(
          'this plan standardises features federatedly: the agent needs its data file to compute its feature statistics',
        );
      await sendFeatureStats({
        task,
        sums,
        keys,
        spec,
        plan: ctx.data.plan,
        dataFile: ctx.files.dataFile,
        rows: ctx.data.train.rows + ctx.data.holdout.rows,
      }).catch((err: unknown) => {
        if (!(err instanceof CoordinatorCallError && err.reason === DUPLICATE_STATS)) throw err;
      });
      ctx.logger.info({ round: task.roundNumber }, 'encrypted feature statistics sent for consortium standardisation');
    }
    await sendSampleCount({ task, sums, keys, spec, numSamples: ctx.data.train.rows });
  },
};
