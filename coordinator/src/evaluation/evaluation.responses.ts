import type { ModelEvaluationState } from './model-evaluation.entity';
import { describes, epochMs, orNull, z } from '../http/openapi-zod';
import type { EvaluationView } from './evaluation.service';

// JSON has no NaN: a figure undefined for this data (e.g. AUC with one class absent) arrives as null.
const figure = z.number().nullable();

export const federatedMetricsSchema = z
  .object({
    numExamples: z.number(),
    positives: z.number(),
    rocAuc: figure,
    ks: figure,
    ksThreshold: figure,
    gini: figure,
    prAuc: figure,
    brier: figure,
    logLoss: figure,
    calibration: z.array(
      z.object({ from: z.number(), to: z.number(), count: z.number(), meanPredicted: figure, observedRate: figure }),
    ),
    roc: z.array(z.object({ threshold: z.number(), fpr: figure, tpr: figure })),
    psi: figure.openapi({
      description:
        "population stability of the scores against the champion's reference distribution (recorded at promotion); < 0.1 stable, 0.1-0.25 drifting, > 0.25 shifted; null before any champion",
    }),
    shift: figure
      .optional()
      .openapi({ description: 'score shift against the previous version (version-to-version stability), same scale' }),
    fraud: z.object({
      recallAtFpr: z.array(z.object({ maxFpr: z.number(), recall: figure, threshold: figure, fpr: figure })),
      precisionAtTopK: z.array(z.object({ k: z.number(), precision: figure })),
    }),
  })
  .openapi('FederatedMetrics', {
    description: "the consortium's figures from the sum of encrypted score histograms; no bank's own figures",
  });

const STATES = ['collecting', 'decrypting', 'complete', 'failed'] as const satisfies readonly ModelEvaluationState[];

const evaluationFields = describes<Omit<EvaluationView, 'metrics' | 'test'>>()(
  z.object({
    modelVersionId: z.string(),
    roundId: z.string(),
    roundNumber: z.number().int(),
    state: z.enum(STATES),
    bins: z.number().int().openapi({ description: 'score histogram bins the members used' }),
    contributors: z.number().int(),
    confirmations: z.number().int(),
    deadlineAt: epochMs,
    completedAt: epochMs.nullable(),
    failureReason: z.string().nullable(),
    promotedAt: epochMs.nullable().openapi({ description: 'when this version became champion; null if it never did' }),
  }),
);

export const evaluationViewSchema = evaluationFields
  .extend({
    metrics: orNull(federatedMetricsSchema).openapi({
      description: "on the consortium's validation rows (these choose)",
    }),
    test: orNull(federatedMetricsSchema).openapi({ description: "on the consortium's test rows (these report)" }),
  })
  .openapi('Evaluation');

export const evaluationListSchema = z.array(evaluationViewSchema);
