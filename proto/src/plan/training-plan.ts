import { z } from 'zod';
import { maskingSettingsSchema } from '../masking/masking-settings';
import { DEFAULT_HE_PARAMETER_SET, HE_PARAMETER_SETS, parameterSet, valueBits } from '../he/parameter-sets';
import { DEFAULT_SCORE_BINS, MIN_SCORE_BINS } from '../evaluation/score-histogram';
import { readSequentialLayers, type TfjsLayersJson } from './sequential-layers';
import { defaultQuorum, quorumProblem } from './quorum';
import { trainingLossSchema } from './training-loss';
import { rawTargetName, targetSchema } from './target-label';

const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must start with a letter or underscore and use only letters, digits, _ . -');

/**
 * Where a value outside a vocabulary goes: this bucket (the vocabulary's own "__other__" entry when it
 * lists one, else no one-hot column lit), or `error`, which refuses the row.
 */
export const OTHER_CATEGORY = '__other__';

export const numericFeatureSchema = z
  .object({
    name: identifier,
    type: z.literal('numeric'),
    /** Fixed affine scaling applied before training: (x - center) / scale. */
    center: z.number().finite().default(0),
    scale: z.number().finite().positive().default(1),
    /** Apply log1p before scaling (incomes, balances). Values must then be >= 0. */
    log1p: z.boolean().default(false),
    /**
     * `fixed`: center/scale as written. `federated`: before round 1 they are replaced by
     * the consortium-wide mean and standard deviation (of the post-log1p values),
     * computed from the members' summed statistics (applyConsortiumStandardization):
     * encrypted sums under aggregation.mode secure, plain sums the coordinator reads under plaintext.
     */
    standardize: z.enum(['fixed', 'federated']).default('fixed'),
    /**
     * A missing cell (empty, NA, NaN or null, any case): `error` refuses the data,
     * `mean` encodes it as `center` (the consortium mean under federated
     * standardization), `constant` as `fill` (a raw value, before log1p and scaling).
     */
    missing: z.enum(['error', 'mean', 'constant']).default('error'),
    fill: z.number().finite().optional(),
  })
  .strict();

export const categoricalFeatureSchema = z
  .object({
    name: identifier,
    type: z.literal('categorical'),
    /** One-hot encoded in this order; a value outside it is a data error. */
    vocabulary: z.array(z.string().min(1)).min(1).max(1000),
    /**
     * A missing cell (empty, NA, NaN or null, any case, unless the vocabulary lists it):
     * `error` refuses the data, `category` encodes it as one extra one-hot column,
     * "__missing__", after the vocabulary.
     */
    missing: z.enum(['error', 'category']).default('error'),
    /** Overrides the schema's `unknownCategory` for this feature. */
    unknownCategory: z.enum([OTHER_CATEGORY, 'error']).optional(),
  })
  .strict();

/** Name of the implicit one-hot column a categorical feature with `missing: category` adds. */
export const MISSING_CATEGORY = '__missing__';

export const featureSchema = z.discriminatedUnion('type', [numericFeatureSchema, categoricalFeatureSchema]);

type Issue = { path: (string | number)[]; message: string };

/** Checks within one feature that zod's shape cannot express; paths relative to the feature. */
function featureIssues(f: z.infer<typeof featureSchema>): Issue[] {
  const issues: Issue[] = [];
  const issue = (key: string, message: string) => issues.push({ path: [key], message });
  if (f.type === 'categorical') {
    if (new Set(f.vocabulary).size !== f.vocabulary.length) issue('vocabulary', 'vocabulary has duplicate values');
    if (f.missing === 'category' && f.vocabulary.includes(MISSING_CATEGORY))
      issue('vocabulary', `"${MISSING_CATEGORY}" is reserved for missing values (missing: category)`);
    return issues;
  }
  if (f.missing === 'constant' && f.fill === undefined) issue('fill', 'missing: constant needs a fill value');
  if (f.missing !== 'constant' && f.fill !== undefined) issue('fill', 'fill is only used with missing: constant');
  if (f.log1p && f.fill !== undefined && f.fill < 0) issue('fill', 'must be >= 0 because the feature applies log1p');
  return issues;
}

function duplicateColumnIssues(names: unknown[]): Issue[] {
  const seen = new Set<unknown>();
  const issues: Issue[] = [];
  for (const name of names) {
    if (typeof name === 'string' && seen.has(name))
      issues.push({ path: [], message: `column "${name}" is declared twice` });
    seen.add(name);
  }
  return issues;
}

export const dataSchemaSchema = z
  .object({
    features: z.array(featureSchema).min(1),
    /** The label column and which of its values mean 1 (see target-label.ts). */
    target: targetSchema,
    /** Columns of the banks' files the plan deliberately leaves out (ids, dates, leaky fields). */
    exclude: z.array(z.string().min(1).max(256)).max(10000).optional(),
    /** Default policy for a categorical value outside the vocabulary (training and scoring alike). */
    unknownCategory: z.enum([OTHER_CATEGORY, 'error']).default(OTHER_CATEGORY),
  })
  .strict()
  .superRefine((schema, ctx) => {
    for (const i of duplicateColumnIssues([...schema.features.map((f) => f.name), schema.target.name]))
      ctx.addIssue({ code: z.ZodIssueCode.custom, ...i });
    for (const i of excludeIssues(schema.exclude, [...schema.features.map((f) => f.name), schema.target.name]))
      ctx.addIssue({ code: z.ZodIssueCode.custom, ...i });
    schema.features.forEach((f, n) => {
      for (const i of featureIssues(f))
        ctx.addIssue({ code: z.ZodIssueCode.custom, ...i, path: ['features', n, ...i.path] });
    });
  });

/** An excluded column must not also be used, and is named once. */
function excludeIssues(exclude: unknown, used: unknown[]): Issue[] {
  if (!Array.isArray(exclude)) return [];
  const issues: Issue[] = [];
  const seen = new Set<unknown>();
  for (const c of exclude) {
    if (seen.has(c)) issues.push({ path: ['exclude'], message: `column "${String(c)}" is excluded twice` });
    else if (used.includes(c))
      issues.push({ path: ['exclude'], message: `column "${String(c)}" is both excluded and used by the plan` });
    seen.add(c);
  }
  return issues;
}

/**
 * Feature-level and cross-feature checks on whatever features parse on their
 * own: zod skips refinements once any sibling has a type error.
 */
function rawSchemaIssues(raw: unknown): Issue[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { features, target, exclude } = raw as { features?: unknown; target?: unknown; exclude?: unknown };
  if (!Array.isArray(features)) return [];
  const issues: Issue[] = [];
  features.forEach((f, n) => {
    const r = featureSchema.safeParse(f);
    if (r.success)
      for (const i of featureIssues(r.data)) issues.push({ ...i, path: ['schema', 'features', n, ...i.path] });
  });
  const names = [
    ...features.map((f) => (typeof f === 'object' && f !== null ? (f as { name?: unknown }).name : undefined)),
    rawTargetName(target),
  ];
  for (const i of duplicateColumnIssues(names)) issues.push({ ...i, path: ['schema'] });
  for (const i of excludeIssues(exclude, names)) issues.push({ ...i, path: ['schema', ...i.path] });
  return issues;
}

/** A TensorFlow.js (or Keras) Sequential's layers JSON; kept verbatim, read by readSequentialLayers. */
const tfjsLayersJson = z
  .unknown()
  .superRefine((json, ctx) => {
    if (json === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'Required: the Sequential model JSON (model.toJSON() or model.json)',
      });
      return;
    }
    for (const message of readSequentialLayers(json).problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  })
  .transform((json) => json as TfjsLayersJson);

export const modelSpecSchema = z.discriminatedUnion('template', [
  z.object({ template: z.literal('logistic_regression') }).strict(),
  z
    .object({
      template: z.literal('mlp'),
      hiddenUnits: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
      activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu'),
    })
    .strict(),
  /** Dense (and Dropout) layers only, ending in one sigmoid unit. */
  z.object({ template: z.literal('tfjs_layers'), layers: tfjsLayersJson }).strict(),
]);

const classWeightsSchema = z.union(
  [
    z.literal('balanced'),
    z.object({ '0': z.number().finite().positive(), '1': z.number().finite().positive() }).strict(),
  ],
  { errorMap: () => ({ message: `must be "balanced" or { "0": weight, "1": weight } with positive weights` }) },
);

export const localTrainingSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000).default(1),
    batchSize: z.number().int().min(1).max(65536).default(64),
    optimizer: z.enum(['sgd', 'adam', 'rmsprop']).default('adam'),
    learningRate: z.number().positive().max(10).default(0.01),
    /** Round r trains at learningRate * learningRateDecay^(r-1): later rounds take smaller local steps and settle. */
    learningRateDecay: z.number().gt(0).max(1).default(1),
    /** Per-class loss weights; `balanced` = rows / (2 * rows of the class), from the member's own training labels. */
    classWeights: classWeightsSchema.optional(),
    /** FedProx: adds mu/2 * ||w - w_global||^2 to the local loss; 0 = plain FedAvg local training. */
    fedProxMu: z.number().finite().min(0).max(1000).default(0),
    /**
     * L2 penalty on every Dense kernel (not biases): the loss is the mean (class-weighted) log loss
     * plus l2 * sum(w^2). The fitted logistic baselines minimise the same objective.
     */
    l2: z.number().finite().min(0).max(10).default(0),
    /** Binary cross-entropy unless the plan asks for focal loss (rare positives, e.g. fraud). */
    loss: trainingLossSchema.default('binary_cross_entropy'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.loss.type === 'focal' && t.loss.alpha !== undefined && t.classWeights !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['loss', 'alpha'],
        message: 'weighs the classes, and so does training.classWeights: keep one of them',
      });
    }
  });

const adaptiveServerOptimizer = {
  learningRate: z.number().finite().positive().max(10).default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.99),
  /** tau in Reddi et al.: the adaptivity floor, also the initial sqrt(v). */
  epsilon: z.number().finite().positive().max(1).default(1e-3),
};

/**
 * How members turn the aggregated update into the next global model (Reddi et al.,
 * "Adaptive Federated Optimization"): fedavg adds it; fedadam and fedyogi treat it
 * as a pseudo-gradient (see server-optimizer.ts).
 */
export const serverOptimizerSchema = z.discriminatedUnion('type', [
  /** Server learning rate: the global model moves by learningRate times the aggregate update (1 = plain FedAvg). */
  z.object({ type: z.literal('fedavg'), learningRate: z.number().finite().positive().max(10).default(1) }).strict(),
  z.object({ type: z.literal('fedadam'), ...adaptiveServerOptimizer }).strict(),
  z.object({ type: z.literal('fedyogi'), ...adaptiveServerOptimizer }).strict(),
]);

export const evaluationSchema = z
  .object({
    /** Score histogram bins per class for federated evaluation. */
    bins: z.number().int().min(MIN_SCORE_BINS).max(1_000_000).default(DEFAULT_SCORE_BINS),
  })
  .strict();

/**
 * Model selection on the federated validation rows: which figure chooses, when a new
 * version replaces the champion, and when training stops (see evaluation/model-selection.ts).
 */
export const selectionSchema = z
  .object({
    /** Federated validation figure that chooses: higher is better for auc and ks, lower for log_loss and brier. */
    metric: z.enum(['auc', 'ks', 'log_loss', 'brier']).default('auc'),
    /** A new version becomes champion only when it beats the champion's validation figure by more than this. */
    promotionMargin: z.number().finite().min(0).max(1).default(0),
    /** Stop opening rounds after this many evaluated rounds without an improvement of minImprovement; absent = never stop early. */
    patience: z.number().int().min(1).max(1000).optional(),
    /** Smallest gain over the best validation figure so far that counts as an improvement for patience. */
    minImprovement: z.number().finite().min(0).max(1).default(0.001),
  })
  .strict();

export const roundPolicySchema = z
  .object({
    /** Quorum: fewest contributors for a round to publish a model. Default: 3 (secure), 2 (plaintext); secure needs >= 3. */
    minParticipants: z.number().int().min(1).optional(),
    /** Upper bound on members; sizes the aggregation headroom. */
    maxParticipants: z.number().int().min(1).max(100000).default(100),
    /** Seconds from round open until collection closes. */
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(600),
  })
  .strict();

export const secureAggregationSchema = z
  .object({
    /** Named, versioned BFV parameter set (see he/parameter-sets.ts). */
    parameterSet: z.string().default(DEFAULT_HE_PARAMETER_SET),
    /** Each update delta (local minus global weight) is clipped to [-clip, clip]. */
    clip: z.number().positive().max(1000).default(1),
    /** `publish`: a member publishes the plaintext global model to the coordinator; `members-only`: it stays sealed. */
    releasePolicy: z.enum(['publish', 'members-only']).default('publish'),
    /** Pairwise masks inside the encryption, so no single decrypted contribution reveals a bank (see masking/). */
    masking: maskingSettingsSchema.default({}),
  })
  .strict()
  .refine((s) => !s.masking.enabled || s.masking.graph.kind === 'complete', {
    message:
      'masking.graph sparse is measured by npm run bench:masking but rounds do not use it yet; use { "kind": "complete" }',
    path: ['masking', 'graph'],
  });

export const aggregationSchema = z
  .object({
    strategy: z.enum(['fedavg']).default('fedavg'),
    /** `secure` (default): homomorphically encrypted updates the coordinator cannot read; `plaintext`: float32 updates. */
    mode: z.enum(['plaintext', 'secure']).default('secure'),
    secure: secureAggregationSchema.default({}),
  })
  .strict();

const trainingPlanObject = z
  .object({
    name: identifier,
    description: z.string().max(2000).optional(),
    /** Seed of the initial global weights; every member derives the same ones. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    schema: dataSchemaSchema,
    model: modelSpecSchema,
    training: localTrainingSchema.default({}),
    rounds: roundPolicySchema.default({}),
    aggregation: aggregationSchema.default({}),
    serverOptimizer: serverOptimizerSchema.default({ type: 'fedavg' }),
    holdout: z
      .object({
        fraction: z.number().gt(0).lt(1).default(0.2),
        seed: z.number().int().min(0).default(7),
        /**
         * Share of each bank's holdout used to choose (validation rows); the rest are test rows,
         * used only to report. Both fixed by the seed, so every round sees the same rows.
         */
        validationFraction: z.number().gt(0).lt(1).default(0.5),
      })
      .strict()
      .default({}),
    evaluation: evaluationSchema.default({}),
    selection: selectionSchema.default({}),
  })
  .strict();

type PlanSections = Partial<Pick<z.infer<typeof trainingPlanObject>, 'schema' | 'model' | 'rounds' | 'aggregation'>>;

/** Checks that span sections; run on whichever sections parsed, so one bad section hides none of them. */
function crossSectionIssues(p: PlanSections): Issue[] {
  const issues: Issue[] = [];
  if (p.rounds) {
    const mode = p.aggregation?.mode ?? 'secure';
    const quorum = p.rounds.minParticipants ?? defaultQuorum(mode);
    const tooSmall = p.aggregation ? quorumProblem(mode, quorum, 'rounds.minParticipants') : null;
    if (tooSmall) issues.push({ path: ['rounds', 'minParticipants'], message: tooSmall });
    if (p.rounds.maxParticipants < quorum)
      issues.push({ path: ['rounds'], message: `maxParticipants must be >= minParticipants (${quorum})` });
  }
  // Plaintext too: its histograms and feature statistics are the same limbs, sized by this parameter set.
  if (p.aggregation && p.rounds) {
    const name = p.aggregation.secure.parameterSet;
    if (!HE_PARAMETER_SETS[name]) {
      issues.push({
        path: ['aggregation', 'secure', 'parameterSet'],
        message: `unknown parameter set; known: ${Object.keys(HE_PARAMETER_SETS).join(', ')}`,
      });
    } else {
      try {
        valueBits(parameterSet(name), p.rounds.maxParticipants);
      } catch (err) {
        issues.push({ path: ['rounds', 'maxParticipants'], message: (err as Error).message });
      }
    }
  }
  if (p.model?.template === 'tfjs_layers' && p.schema) {
    const declared = readSequentialLayers(p.model.layers).declaredInputDim;
    const width = inputWidth(p.schema);
    if (declared !== undefined && declared !== width) {
      issues.push({
        path: ['model', 'layers'],
        message: `the first layer declares ${declared} inputs but the schema encodes ${width} columns`,
      });
    }
  }
  return issues;
}

/** Same as model-layout's inputDimension (kept here to avoid an import cycle). */
function inputWidth(schema: z.infer<typeof dataSchemaSchema>): number {
  return schema.features.reduce(
    (n, f) => n + (f.type === 'numeric' ? 1 : f.vocabulary.length + (f.missing === 'category' ? 1 : 0)),
    0,
  );
}

export const trainingPlanSchema = trainingPlanObject
  .superRefine((plan, ctx) => {
    for (const issue of crossSectionIssues(plan)) ctx.addIssue({ code: z.ZodIssueCode.custom, ...issue });
  })
  // The quorum's default depends on the mode, so it is filled in once both are known.
  .transform((plan) => ({
    ...plan,
    rounds: { ...plan.rounds, minParticipants: plan.rounds.minParticipants ?? defaultQuorum(plan.aggregation.mode) },
  }));

export type TrainingPlan = z.infer<typeof trainingPlanSchema>;
export type TrainingPlanInput = z.input<typeof trainingPlanSchema>;
export type DataSchema = z.infer<typeof dataSchemaSchema>;
export type FeatureSpec = z.infer<typeof featureSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type NumericFeatureSpec = z.infer<typeof numericFeatureSchema>;
export type CategoricalFeatureSpec = z.infer<typeof categoricalFeatureSchema>;
export type LocalTraining = z.infer<typeof localTrainingSchema>;
export type ServerOptimizerConfig = z.infer<typeof serverOptimizerSchema>;
export type SelectionPolicy = z.infer<typeof selectionSchema>;

export class PlanValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid training plan:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanValidationError';
  }
}

export type PlanIssue = Issue;

/** Every problem in a plan (empty when valid), including cross-section ones a malformed sibling section would hide from zod. */
export function planIssues(input: unknown): { plan?: TrainingPlan; issues: PlanIssue[] } {
  const result = trainingPlanSchema.safeParse(input);
  if (result.success) return { plan: result.data, issues: [] };
  const issues: PlanIssue[] = result.error.issues.map((i) => ({ path: i.path, message: i.message }));
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const raw = input as Record<string, unknown>;
    const section = <S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> | undefined => {
      const r = schema.safeParse(value);
      return r.success ? r.data : undefined;
    };
    const seen = new Set(issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const extra = [
      ...rawSchemaIssues(raw.schema),
      ...crossSectionIssues({
        schema: section(dataSchemaSchema, raw.schema),
        model: section(modelSpecSchema, raw.model),
        rounds: section(roundPolicySchema.default({}), raw.rounds),
        aggregation: section(aggregationSchema.default({}), raw.aggregation),
      }),
    ];
    for (const i of extra) if (!seen.has(`${i.path.join('.')}: ${i.message}`)) issues.push(i);
  }
  return { issues: namedColumns(issues, input) };
}

/** `schema.features.3` becomes `schema.features.3 (Age)`, so each problem names its column. */
function namedColumns(issues: PlanIssue[], input: unknown): PlanIssue[] {
  const features = (input as { schema?: { features?: unknown } } | null)?.schema?.features;
  if (!Array.isArray(features)) return issues;
  return issues.map((i) => {
    const n = i.path[2];
    const name = typeof n === 'number' ? (features[n] as { name?: unknown } | null)?.name : undefined;
    if (i.path[0] !== 'schema' || i.path[1] !== 'features' || typeof name !== 'string') return i;
    return { ...i, path: ['schema', 'features', `${n} (${name})`, ...i.path.slice(3)] };
  });
}

export const formatPlanIssue = (issue: PlanIssue): string =>
  `${issue.path.length ? issue.path.join('.') : '(plan)'}: ${issue.message}`;

/** Parses and validates a plan; throws PlanValidationError listing every problem. */
export function parseTrainingPlan(input: unknown): TrainingPlan {
  const { plan, issues } = planIssues(input);
  if (!plan) throw new PlanValidationError(issues.map(formatPlanIssue));
  return plan;
}

/** Parses plan JSON text, reporting syntax errors the same way as schema errors. */
export function parseTrainingPlanJson(text: string): TrainingPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PlanValidationError([`(plan): not valid JSON: ${(err as Error).message}`]);
  }
  return parseTrainingPlan(raw);
}
