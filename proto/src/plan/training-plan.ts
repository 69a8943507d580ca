import { z } from 'zod';
import { DEFAULT_HE_PARAMETER_SET, HE_PARAMETER_SETS, parameterSet, valueBits } from '../he/parameter-sets';

const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must start with a letter or underscore and use only letters, digits, _ . -');

export const numericFeatureSchema = z
  .object({
    name: identifier,
    type: z.literal('numeric'),
    /** Fixed affine scaling applied before training: (x - center) / scale. */
    center: z.number().finite().default(0),
    scale: z.number().finite().positive().default(1),
    /** Apply log1p before scaling (incomes, balances). Values must then be >= 0. */
    log1p: z.boolean().default(false),
  })
  .strict();

export const categoricalFeatureSchema = z
  .object({
    name: identifier,
    type: z.literal('categorical'),
    /** One-hot encoded in this order; a value outside it is a data error. */
    vocabulary: z.array(z.string().min(1)).min(1).max(1000),
  })
  .strict();

export const featureSchema = z.discriminatedUnion('type', [numericFeatureSchema, categoricalFeatureSchema]);

export const dataSchemaSchema = z
  .object({
    features: z.array(featureSchema).min(1),
    /** Binary target column holding 0 or 1. */
    target: z.object({ name: identifier }).strict(),
  })
  .strict()
  .superRefine((schema, ctx) => {
    const names = [...schema.features.map((f) => f.name), schema.target.name];
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `column "${name}" is declared twice` });
      seen.add(name);
    }
    schema.features.forEach((f, i) => {
      if (f.type === 'categorical' && new Set(f.vocabulary).size !== f.vocabulary.length) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['features', i, 'vocabulary'], message: 'vocabulary has duplicate values' });
      }
    });
  });

export const modelSpecSchema = z.discriminatedUnion('template', [
  z.object({ template: z.literal('logistic_regression') }).strict(),
  z
    .object({
      template: z.literal('mlp'),
      hiddenUnits: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
      activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu'),
    })
    .strict(),
]);

export const localTrainingSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000).default(1),
    batchSize: z.number().int().min(1).max(65536).default(64),
    optimizer: z.enum(['sgd', 'adam']).default('adam'),
    learningRate: z.number().positive().max(10).default(0.01),
  })
  .strict();

export const roundPolicySchema = z
  .object({
    /** Quorum: fewest contributors for a round to publish a model. */
    minParticipants: z.number().int().min(1).default(2),
    /** Upper bound on members; sizes the aggregation headroom. */
    maxParticipants: z.number().int().min(1).max(100000).default(100),
    /** Seconds from round open until collection closes. */
    deadlineSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(600),
  })
  .strict()
  .refine((r) => r.maxParticipants >= r.minParticipants, { message: 'maxParticipants must be >= minParticipants' });

export const secureAggregationSchema = z
  .object({
    /** Named, versioned BFV parameter set (see he/parameter-sets.ts). */
    parameterSet: z.string().default(DEFAULT_HE_PARAMETER_SET),
    /** Each update delta (local minus global weight) is clipped to [-clip, clip]. */
    clip: z.number().positive().max(1000).default(1),
    /** `publish`: a member publishes the plaintext global model to the coordinator; `members-only`: it stays sealed. */
    releasePolicy: z.enum(['publish', 'members-only']).default('publish'),
  })
  .strict();

export const aggregationSchema = z
  .object({
    strategy: z.enum(['fedavg']).default('fedavg'),
    /** `secure` (default): homomorphically encrypted updates the coordinator cannot read; `plaintext`: float32 updates. */
    mode: z.enum(['plaintext', 'secure']).default('secure'),
    secure: secureAggregationSchema.default({}),
  })
  .strict();

export const trainingPlanSchema = z
  .object({
    name: identifier,
    description: z.string().max(2000).optional(),
    /** Seed of the initial global weights; every member derives the same ones. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    schema: dataSchemaSchema,
    model: modelSpecSchema,
    training: localTrainingSchema.default({}),
    rounds: roundPolicySchema.default({}),
    aggregation: aggregationSchema.default({}),
    holdout: z
      .object({
        fraction: z.number().gt(0).lt(1).default(0.2),
        seed: z.number().int().min(0).default(7),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.aggregation.mode !== 'secure') return;
    const name = plan.aggregation.secure.parameterSet;
    if (!HE_PARAMETER_SETS[name]) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['aggregation', 'secure', 'parameterSet'], message: `unknown parameter set; known: ${Object.keys(HE_PARAMETER_SETS).join(', ')}` });
      return;
    }
    try {
      valueBits(parameterSet(name), plan.rounds.maxParticipants);
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rounds', 'maxParticipants'], message: (err as Error).message });
    }
  });

export type TrainingPlan = z.infer<typeof trainingPlanSchema>;
export type TrainingPlanInput = z.input<typeof trainingPlanSchema>;
export type DataSchema = z.infer<typeof dataSchemaSchema>;
export type FeatureSpec = z.infer<typeof featureSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;

export class PlanValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid training plan:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanValidationError';
  }
}

/** Parses and validates a plan; throws PlanValidationError listing every problem. */
export function parseTrainingPlan(input: unknown): TrainingPlan {
  const result = trainingPlanSchema.safeParse(input);
  if (!result.success) {
    throw new PlanValidationError(
      result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(plan)'}: ${issue.message}`),
    );
  }
  return result.data;
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
