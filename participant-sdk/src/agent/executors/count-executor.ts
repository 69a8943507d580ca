import { CoordinatorCallError } from '../coordinator-client';
import { roundMode } from '../contribution-codec';
import { sendFeatureStats } from '../federated-standardization';
import { DUPLICATE_STATS } from '../refusals';
import { sendSampleCount } from '../secure-round';
import type { TaskExecutor } from './task-executor';

/**
 * COUNT: this member's encrypted sample count, preceded by its feature statistics when the round collects them.
 * A plaintext round counts only to collect the statistics (its updates carry their own sample counts).
 */
export const countExecutor: TaskExecutor = {
  async execute(task, ctx) {
    const { sums, keys, spec } = ctx;
    const secure = roundMode(task) === 'secure';
    const stats = !ctx.data.standardized && task.statsRoundId === task.roundId;
    if (secure) await sums.prepare(task, 'count');
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
      ctx.logger.info(
        { round: task.roundNumber },
        secure
          ? 'encrypted feature statistics sent for consortium standardisation'
          : 'feature statistics sent in the clear for consortium standardisation (plaintext federation: the coordinator reads them)',
      );
    }
    if (secure) await sendSampleCount({ task, sums, keys, spec, numSamples: ctx.data.train.rows });
  },
};
