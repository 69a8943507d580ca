import { z } from 'zod';

export const TRAINING_LOSSES = ['binary_cross_entropy', 'focal'] as const;

/**
 * The local training loss. Focal loss (Lin et al., "Focal Loss for Dense Object
 * Detection") multiplies each row's cross-entropy by (1 - p_t)^gamma, p_t being the
 * probability the model gives the row's true class: rows the model already gets
 * right (the mass of easy legitimate transactions) fade, so the rare, hard frauds
 * carry the gradient. alpha, when given, weighs target = 1 rows by alpha and
 * target = 0 rows by 1 - alpha.
 */
const lossObject = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('binary_cross_entropy') }).strict(),
    z
      .object({
        type: z.literal('focal'),
        /** 0 = plain cross-entropy; 2 is the paper's choice; above 5 almost every row is ignored. */
        gamma: z
          .number({ invalid_type_error: 'must be a number (the focusing exponent, e.g. 2)' })
          .finite()
          .min(0, 'must be >= 0 (0 is plain cross-entropy; 2 is usual)')
          .max(10, 'must be <= 10: larger exponents ignore almost every row and stall training')
          .default(2),
        alpha: z
          .number({ invalid_type_error: 'must be a number between 0 and 1 (weight of target = 1 rows)' })
          .gt(0, 'must be strictly between 0 and 1 (weight of target = 1 rows; target = 0 rows get 1 - alpha)')
          .lt(1, 'must be strictly between 0 and 1 (weight of target = 1 rows; target = 0 rows get 1 - alpha)')
          .optional(),
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union_discriminator
        ? { message: `must be one of ${TRAINING_LOSSES.map((l) => `"${l}"`).join(', ')}` }
        : { message: ctx.defaultError },
  },
);

/** `"focal"` is shorthand for `{ "type": "focal" }` (gamma 2, no alpha). */
export const trainingLossSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  lossObject,
);

export type TrainingLoss = z.infer<typeof lossObject>;
