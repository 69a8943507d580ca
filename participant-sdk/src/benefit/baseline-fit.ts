import { exactMetrics, gainOver, initialWeights, selectionFigure, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { resolveClassWeights } from '../training/class-weights';
import { trainLocal } from '../training/local-trainer';
import { fitLogisticNewton, type NewtonFitReport } from './logistic-fit';
import type { RoundProgress } from './local-rounds';

/** Early stopping on the model's own validation rows, for models without a closed-form optimum. */
export interface EarlyStoppingReport {
  method: 'early-stopping';
  /** Rounds (of the plan's local epochs each) trained before stopping, and the one kept. */
  rounds: number;
  bestRound: number;
  maxRounds: number;
  patience: number;
  metric: string;
  validation: number | null;
}

export type BaselineFitReport = NewtonFitReport | EarlyStoppingReport;

/** Rounds without a validation gain before an iterated baseline stops, unless the plan sets its own patience. */
export const BASELINE_PATIENCE = 5;

/**
 * Fits a comparison model to the rows given, so that it is an honest reference rather than a
 * noisy iterate: a logistic regression to convergence (Newton/IRLS, the plan's L2 and class
 * weights, same encoding); any other model round by round (the plan's local epochs each),
 * keeping the round best on `validation` and stopping after the plan's patience.
 */
export async function fitBaseline(o: {
  plan: TrainingPlan;
  train: Dataset;
  validation: Dataset;
  maxRounds: number;
  onRound?: (p: RoundProgress) => void;
}): Promise<{ weights: Float32Array; fit: BaselineFitReport }> {
  const { plan } = o;
  if (plan.model.template === 'logistic_regression') {
    const classWeights = resolveClassWeights(plan.training.classWeights, o.train.labels);
    const { weights, report } = fitLogisticNewton(o.train, { l2: plan.training.l2, classWeights });
    return { weights: Float32Array.from(weights), fit: report };
  }
  const metric = plan.selection.metric;
  const patience = plan.selection.patience ?? BASELINE_PATIENCE;
  let weights = initialWeights(plan);
  let best: { weights: Float32Array; round: number; figure: number | null } = { weights, round: 0, figure: null };
  let stale = 0;
  let round = 0;
  while (round < o.maxRounds && stale < patience) {
    round++;
    const r = await trainLocal({ plan, globalWeights: weights, data: o.train, seed: round, round });
    weights = r.weights;
    o.onRound?.({ round, rounds: o.maxRounds, loss: r.finalLoss, seconds: r.seconds });
    const figure = o.validation.rows
      ? selectionFigure(exactMetrics(await predict(plan, weights, o.validation), o.validation.labels), metric)
      : null;
    const better =
      best.round === 0 ||
      (figure !== null &&
        (best.figure === null || gainOver(metric, figure, best.figure) > plan.selection.minImprovement));
    if (better) {
      best = { weights, round, figure };
      stale = 0;
    } else stale++;
  }
  return {
    weights: best.weights,
    fit: {
      method: 'early-stopping',
      rounds: round,
      bestRound: best.round,
      maxRounds: o.maxRounds,
      patience,
      metric,
      validation: best.figure,
    },
  };
}

/** One line a reader understands: how the baseline was fitted. */
export function describeFit(f: BaselineFitReport): string {
  if (f.method === 'newton-irls')
    return `logistic regression fitted by Newton/IRLS (L2 ${f.l2}): ${f.converged ? 'converged' : 'NOT converged'} in ${f.iterations} iterations, max |gradient| ${f.maxGradient.toExponential(1)} (tolerance ${f.tolerance})`;
  return `trained ${f.rounds} of at most ${f.maxRounds} rounds, kept round ${f.bestRound} (best validation ${f.metric}${f.validation === null ? '' : ` ${f.validation.toFixed(4)}`}; patience ${f.patience})`;
}
