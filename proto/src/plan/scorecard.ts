import { inputDimension, layerStack, modelLayout, unknownPolicy } from './model-layout';
import { OTHER_CATEGORY, type TrainingPlan } from './training-plan';

/** Name of the one-hot column a categorical `missing: category` policy adds (as the plan defines it). */
const MISSING_CATEGORY_VALUE = '__missing__';

/**
 * A logistic-regression model restated as a points-based credit scorecard, the
 * form credit committees and regulators read. Points are exact (not rounded), so
 * the score maps back to the model's log-odds without loss.
 */
export interface ScorecardOptions {
  /** Score at the base odds (default 600). */
  baseScore?: number;
  /** Good:bad odds the base score stands for (default 50, i.e. 50:1). */
  baseOdds?: number;
  /** Points that double the good:bad odds (default 20). */
  pdo?: number;
  /** What target = 1 means; default 'bad' (default, fraud), so higher scores are safer. */
  positiveClass?: 'bad' | 'good';
}

export interface NumericScorecardFeature {
  type: 'numeric';
  name: string;
  transform: 'identity' | 'log1p';
  center: number;
  scale: number;
  /** Model coefficient on the encoded column. */
  weight: number;
  /** points(x) = pointsPerUnit * (t(x) - center); t(x) = center earns 0 points. */
  pointsPerUnit: number;
  /** What a missing cell earns: refused ('error'), 0 points ('mean': encoded as center), or the points of `fill` ('constant'). */
  missing: 'error' | 'mean' | 'constant';
  fill?: number;
  /** The same rule written out for people. */
  formula: string;
}

export interface CategoricalScorecardFeature {
  type: 'categorical';
  name: string;
  /** One entry per one-hot column, in column order (the vocabulary, then "__missing__" under missing: category). */
  categories: { value: string; weight: number; points: number }[];
  /** 'category': a missing cell earns the "__missing__" entry's points; 'error': it is refused. */
  missing: 'error' | 'category';
  /** A value outside the card: '__other__' earns the "__other__" entry's points (0 without one); 'error' refuses it. */
  unknown?: '__other__' | 'error';
}

export type ScorecardFeature = NumericScorecardFeature | CategoricalScorecardFeature;

export interface Scorecard {
  format: 'syndicate-scorecard-v1';
  target: string;
  positiveClass: 'bad' | 'good';
  baseScore: number;
  baseOdds: number;
  pdo: number;
  /** pdo / ln 2 */
  factor: number;
  /** baseScore - factor * ln(baseOdds) */
  offset: number;
  /** Points every applicant starts with: offset -/+ factor * bias (0 for a model without a bias). */
  basePoints: number;
  features: ScorecardFeature[];
}

function positiveFinite(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`scorecard ${what} must be a positive finite number, got ${value}`);
  return value;
}

/**
 * Builds the scorecard of a logistic-regression plan from its flat weights.
 * Score = offset + factor * ln(odds good:bad); with target 1 = bad that is
 * offset - factor * logit(p), so each encoded column j contributes -factor * w_j * x_j.
 */
export function scorecardFromWeights(
  plan: Pick<TrainingPlan, 'schema' | 'model'>,
  weights: ArrayLike<number>,
  opts: ScorecardOptions = {},
): Scorecard {
  // Logistic regression = one sigmoid Dense unit on the inputs (Dropout is the identity when scoring).
  const dense = layerStack(plan.model).filter((l) => l.kind === 'dense');
  if (dense.length !== 1 || dense[0].units !== 1 || dense[0].activation !== 'sigmoid') {
    throw new Error(
      `a scorecard needs a logistic-regression model (one sigmoid Dense unit on the inputs); this plan's model (${plan.model.template}) has ${dense.length} Dense layers, so its score is not additive in the features`,
    );
  }
  const layout = modelLayout(plan);
  if (weights.length !== layout.numParams) {
    throw new Error(`weight vector has ${weights.length} parameters, the model has ${layout.numParams}`);
  }
  const baseScore = opts.baseScore ?? 600;
  if (!Number.isFinite(baseScore)) throw new RangeError(`scorecard baseScore must be finite, got ${baseScore}`);
  const baseOdds = positiveFinite(opts.baseOdds ?? 50, 'baseOdds');
  const pdo = positiveFinite(opts.pdo ?? 20, 'pdo');
  const positiveClass = opts.positiveClass ?? 'bad';
  const factor = pdo / Math.LN2;
  const offset = baseScore - factor * Math.log(baseOdds);
  // Points per unit of model log-odds (of target = 1).
  const sign = positiveClass === 'bad' ? -1 : 1;
  const kernel = layout.tensors[0];
  const bias = layout.tensors.find((t) => t.name === 'dense_0/bias');
  const inputDim = inputDimension(plan.schema);
  const w = (j: number): number => weights[kernel.offset + j];

  let column = 0;
  const features = plan.schema.features.map((f): ScorecardFeature => {
    // Missing-value policies, read when the plan has them.
    const policy = f as { missing?: string; fill?: number };
    if (f.type === 'numeric') {
      const weight = w(column++);
      const pointsPerUnit = (sign * factor * weight) / f.scale;
      const t = f.log1p ? 'log1p(x)' : 'x';
      return {
        type: 'numeric',
        name: f.name,
        transform: f.log1p ? 'log1p' : 'identity',
        center: f.center,
        scale: f.scale,
        weight,
        pointsPerUnit,
        missing: policy.missing === 'mean' || policy.missing === 'constant' ? policy.missing : 'error',
        ...(policy.fill !== undefined ? { fill: policy.fill } : {}),
        formula: `points = ${sign < 0 ? '-' : ''}${factor} * ${weight} * (${t} - ${f.center}) / ${f.scale} = ${pointsPerUnit} * (${t} - ${f.center})`,
      };
    }
    const missing = policy.missing === 'category' ? 'category' : 'error';
    const values = missing === 'category' ? [...f.vocabulary, MISSING_CATEGORY_VALUE] : f.vocabulary;
    const categories = values.map((value) => {
      const weight = w(column++);
      return { value, weight, points: sign * factor * weight };
    });
    return { type: 'categorical', name: f.name, categories, missing, unknown: unknownPolicy(plan.schema, f) };
  });
  if (column !== inputDim) throw new Error(`internal: scorecard used ${column} of ${inputDim} input columns`);

  return {
    format: 'syndicate-scorecard-v1',
    target: plan.schema.target.name,
    positiveClass,
    baseScore,
    baseOdds,
    pdo,
    factor,
    offset,
    basePoints: offset + sign * factor * (bias ? weights[bias.offset] : 0),
    features,
  };
}

/** Empty, NA, NaN or null (any case), the spellings the data connector treats as missing. */
function isMissingCell(raw: string | number | undefined | null): boolean {
  if (raw === undefined || raw === null) return true;
  if (typeof raw === 'number') return Number.isNaN(raw);
  return ['', 'na', 'nan', 'null'].includes(raw.trim().toLowerCase());
}

function numericPoints(f: NumericScorecardFeature, raw: string | number | null | undefined): number {
  let x: number;
  if (isMissingCell(raw)) {
    if (f.missing === 'mean') return 0;
    if (f.missing === 'constant' && f.fill !== undefined) x = f.fill;
    else throw new Error(`column ${f.name}: missing value (numeric feature)`);
  } else {
    x = typeof raw === 'number' ? raw : Number(String(raw).trim());
  }
  if (!Number.isFinite(x)) throw new Error(`column ${f.name}: ${JSON.stringify(raw)} is not a number`);
  if (f.transform === 'log1p' && x < 0)
    throw new Error(`column ${f.name}: ${x} is negative but the scorecard applies log1p`);
  return f.pointsPerUnit * ((f.transform === 'log1p' ? Math.log1p(x) : x) - f.center);
}

function categoricalPoints(f: CategoricalScorecardFeature, raw: string | number | null | undefined): number {
  const value = raw === undefined || raw === null ? '' : String(raw).trim();
  // A value the vocabulary lists literally (say "NA") is that category, not a missing cell.
  const hit = f.categories.find((c) => c.value === value && c.value !== MISSING_CATEGORY_VALUE);
  if (hit) return hit.points;
  if (isMissingCell(raw)) {
    const bucket = f.categories.find((c) => c.value === MISSING_CATEGORY_VALUE);
    if (f.missing === 'category' && bucket) return bucket.points;
    throw new Error(`column ${f.name}: missing value (categorical feature)`);
  }
  if (f.unknown === OTHER_CATEGORY) return f.categories.find((c) => c.value === OTHER_CATEGORY)?.points ?? 0;
  const known = f.categories.filter((c) => c.value !== MISSING_CATEGORY_VALUE).map((c) => c.value);
  throw new Error(`column ${f.name}: ${JSON.stringify(value)} is not in the vocabulary (${known.join(', ')})`);
}

/** Points each feature earns for a row, by feature name (same order as the card). */
export function scorecardPoints(
  card: Scorecard,
  row: Record<string, string | number | null | undefined>,
): { name: string; points: number }[] {
  return card.features.map((f) => ({
    name: f.name,
    points: f.type === 'numeric' ? numericPoints(f, row[f.name]) : categoricalPoints(f, row[f.name]),
  }));
}

/** The row's score: base points plus each feature's points. Throws on a missing or unknown value. */
export function scoreWithScorecard(card: Scorecard, row: Record<string, string | number | null | undefined>): number {
  return scorecardPoints(card, row).reduce((sum, p) => sum + p.points, card.basePoints);
}

/** The model's log-odds of target = 1 (logit of its output) for a score. */
export function logOddsFromScore(card: Scorecard, score: number): number {
  const goodBadLogOdds = (score - card.offset) / card.factor;
  return card.positiveClass === 'bad' ? -goodBadLogOdds : goodBadLogOdds;
}
