import { exactMetrics, gainOver, selectionFigure, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { trainLocal } from '../training/local-trainer';
import { CLEAR_WIN_SHARE, winShare } from './clear-win';

/** The models a bank can choose between for its own use, simplest first (the order breaks ties). */
export const MODEL_CHOICES = ['global', 'local_only', 'fine_tuned', 'blend'] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

/** A bank's training rows and its holdout's validation (they choose) and test (they report) rows, one encoding. */
export interface BankRows {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** At most this many fine-tuning rounds (each the plan's local epochs): a few steps from the global model, no more. */
export const FINE_TUNE_MAX_ROUNDS = 5;
/** Fine-tuning stops after this many rounds without a validation gain. */
export const FINE_TUNE_PATIENCE = 2;
/** Blend weights tried for the global model's scores; 0 and 1 are local-only and global themselves. */
export const BLEND_ALPHAS = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

export interface Personalization {
  /** The model the bank should use: the best on its validation rows by the plan's selection metric. */
  choice: ModelChoice;
  metric: string;
  /** Each candidate's figure on the validation rows (null where it is undefined, e.g. one class only). */
  validation: Record<ModelChoice, number | null>;
  /**
   * Share of bootstrap resamples of the validation rows in which each candidate beat local-only
   * (null: local-only itself, or rows with one class); a candidate replaces local-only only at CLEAR_WIN_SHARE.
   */
  winShare: Record<ModelChoice, number | null>;
  /** The global model's weight in the blend chosen on validation rows: alpha*global + (1-alpha)*local-only. */
  alpha: number;
  /** Fine-tuning from the global weights on this bank's training rows: rounds trained and the one kept (0 = none helped). */
  fineTune: { rounds: number; bestRound: number; maxRounds: number; patience: number };
  /** Test-row scores of the chosen model (the figures a bank reports). */
  testScores: Float32Array;
  /** Weights of the fine-tuned model (the global encoding); the blend is global and local-only weights with alpha. */
  fineTunedWeights: Float32Array;
}

const figureOf = (metric: TrainingPlan['selection']['metric'], scores: Float32Array, rows: Dataset) =>
  rows.rows ? selectionFigure(exactMetrics(scores, rows.labels), metric) : null;

/** True when `a` beats `b` (a defined figure beats an undefined one). */
function beats(metric: TrainingPlan['selection']['metric'], a: number | null, b: number | null): boolean {
  if (a === null) return false;
  return b === null || gainOver(metric, a, b) > 0;
}

export function blendScores(global: Float32Array, local: Float32Array, alpha: number): Float32Array {
  if (global.length !== local.length)
    throw new Error(`cannot blend ${global.length} global scores with ${local.length} local-only scores`);
  return global.map((g, i) => alpha * g + (1 - alpha) * local[i]);
}

/**
 * This bank's own model, derived on its own machine from the consortium's: fine-tuned from the
 * global weights on its training rows (early-stopped on its validation rows), and blended with
 * its local-only model (alpha chosen on validation rows). Of local-only, global, fine-tuned and
 * blend, the best on validation rows is the bank's choice, so on the rows it chose with it is
 * never worse than the bank alone. `rows` is the file under the global (consortium) encoding,
 * `localRows` the same rows under the local-only model's own encoding.
 */
export async function personalize(o: {
  plan: TrainingPlan;
  rows: BankRows;
  globalWeights: Float32Array;
  localPlan: TrainingPlan;
  localRows: BankRows;
  localWeights: Float32Array;
  maxRounds?: number;
}): Promise<Personalization> {
  const metric = o.plan.selection.metric;
  const { rows, localRows } = o;
  if (rows.validation.rows !== localRows.validation.rows || rows.test.rows !== localRows.test.rows)
    throw new Error('the global and local-only encodings must be the same rows, split the same way');
  const maxRounds = Math.min(o.maxRounds ?? FINE_TUNE_MAX_ROUNDS, FINE_TUNE_MAX_ROUNDS);

  // Fine-tuning: round 0 is the global model itself, so a round is kept only if it beats it.
  let weights = o.globalWeights;
  let best = {
    weights,
    round: 0,
    figure: figureOf(metric, await predict(o.plan, weights, rows.validation), rows.validation),
  };
  let round = 0;
  for (let stale = 0; round < maxRounds && stale < FINE_TUNE_PATIENCE && rows.train.rows > 0;) {
    round++;
    weights = (await trainLocal({ plan: o.plan, globalWeights: weights, data: rows.train, seed: round, round }))
      .weights;
    const figure = figureOf(metric, await predict(o.plan, weights, rows.validation), rows.validation);
    if (beats(metric, figure, best.figure)) {
      best = { weights, round, figure };
      stale = 0;
    } else stale++;
  }

  const scores = async (which: 'global' | 'local_only' | 'fine_tuned', part: 'validation' | 'test') =>
    which === 'local_only'
      ? predict(o.localPlan, o.localWeights, localRows[part])
      : predict(o.plan, which === 'global' ? o.globalWeights : best.weights, rows[part]);
  const validationScores = {
    global: await scores('global', 'validation'),
    local_only: await scores('local_only', 'validation'),
    fine_tuned: await scores('fine_tuned', 'validation'),
  };
  let alpha = BLEND_ALPHAS[0];
  let blendFigure: number | null = null;
  for (const a of BLEND_ALPHAS) {
    const f = figureOf(metric, blendScores(validationScores.global, validationScores.local_only, a), rows.validation);
    if (beats(metric, f, blendFigure)) [alpha, blendFigure] = [a, f];
  }
  const validation: Record<ModelChoice, number | null> = {
    global: figureOf(metric, validationScores.global, rows.validation),
    local_only: figureOf(metric, validationScores.local_only, rows.validation),
    fine_tuned: best.figure,
    blend: blendFigure,
  };
  const blendValidation = blendScores(validationScores.global, validationScores.local_only, alpha);
  const candidateScores: Record<ModelChoice, Float32Array> = { ...validationScores, blend: blendValidation };
  const shares = Object.fromEntries(
    MODEL_CHOICES.map((c) => [
      c,
      c === 'local_only'
        ? null
        : winShare({
            metric,
            labels: rows.validation.labels,
            candidate: candidateScores[c],
            reference: validationScores.local_only,
            seed: o.plan.holdout.seed,
          }),
    ]),
  ) as Record<ModelChoice, number | null>;
  const choice = chooseModel(metric, validation, shares);

  const testScores =
    choice === 'blend'
      ? blendScores(await scores('global', 'test'), await scores('local_only', 'test'), alpha)
      : await scores(choice, 'test');
  return {
    choice,
    metric,
    validation,
    winShare: shares,
    alpha,
    fineTune: { rounds: round, bestRound: best.round, maxRounds, patience: FINE_TUNE_PATIENCE },
    testScores,
    fineTunedWeights: best.weights,
  };
}

/**
 * The bank keeps its local-only model unless another beats it clearly on the validation rows (in at
 * least CLEAR_WIN_SHARE of paired bootstrap resamples): a lead within the noise of a few hundred rows
 * does not hold on the test rows. Of those that win clearly, the best validation figure is chosen
 * (ties go to the simpler). When the rows cannot rank local-only (one class), the best figure decides.
 */
export function chooseModel(
  metric: TrainingPlan['selection']['metric'],
  validation: Record<ModelChoice, number | null>,
  shares: Record<ModelChoice, number | null>,
): ModelChoice {
  if (validation.local_only === null) {
    let best: ModelChoice = 'global';
    for (const c of MODEL_CHOICES) if (beats(metric, validation[c], validation[best])) best = c;
    return best;
  }
  let choice: ModelChoice = 'local_only';
  for (const c of MODEL_CHOICES) {
    if (c === 'local_only' || (shares[c] ?? 0) < CLEAR_WIN_SHARE) continue;
    if (choice === 'local_only' || beats(metric, validation[c], validation[choice])) choice = c;
  }
  return choice;
}

/** The chosen model's figures on the test rows. */
export function personalizedMetrics(p: Personalization, test: Dataset): ExactMetrics {
  return exactMetrics(p.testScores, test.labels);
}
