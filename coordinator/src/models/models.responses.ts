import type { Scorecard } from '@syndicate/protocol';
import { describes, epochMs, orNull, z } from '../http/openapi-zod';
import type { InputEncodingEntry } from './exports/input-encoding';
import type { JsonWeights } from './exports/json-weights';
import type { ModelView } from './models.service';
import type { SelectionResponse } from './models.controller';

export const modelViewSchema = describes<ModelView>()(
  z
    .object({
      id: z.string(),
      federationId: z.string(),
      roundNumber: z.number().int().openapi({ description: '0 for the initial model derived from the plan' }),
      contributors: z.number().int(),
      encoding: z.string().openapi({
        description: 'PAYLOAD_ENCODING_FLOAT32_LE when published in clear; otherwise sealed for members only',
      }),
      numParams: z.number().int(),
      sha256: z.string(),
      planSha256: z.string(),
      createdAt: epochMs,
      keyEpoch: z.number().int().openapi({ description: 'epoch a members-only model is sealed under; 0 when clear' }),
      roundKeyEpoch: z.number().int().nullable().openapi({ description: 'epoch the round itself ran under' }),
    })
    .openapi('Model'),
);

const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
] as const;

const inputEncodingSchema = describes<InputEncodingEntry>()(
  z
    .discriminatedUnion('type', [
      z.object({
        feature: z.string(),
        type: z.literal('numeric'),
        column: z.number().int().openapi({ description: 'input column this feature fills' }),
        transform: z.enum(['identity', 'log1p']),
        center: z.number(),
        scale: z.number(),
        missing: z.string(),
        fill: z.number().optional(),
        formula: z.string(),
      }),
      z.object({
        feature: z.string(),
        type: z.literal('categorical'),
        firstColumn: z.number().int(),
        categories: z.array(z.string()),
        missing: z.string(),
        formula: z.string(),
      }),
    ])
    .openapi('InputEncoding', { description: 'how one feature becomes input columns' }),
);

const provenance = {
  plan: z.object({ name: z.string(), sha256: z.string().optional() }),
  modelVersionId: z.string().optional(),
  roundNumber: z.number().int().optional(),
  target: z.string(),
};

export const jsonWeightsSchema = describes<JsonWeights>()(
  z
    .object({
      format: z.literal('syndicate-weights-v1'),
      ...provenance,
      layers: z.array(
        z.object({
          name: z.string(),
          activation: z.enum(ACTIVATIONS),
          kernel: z.array(z.array(z.number())).openapi({ description: '[input][unit]' }),
          bias: z.array(z.number()),
        }),
      ),
      inputEncoding: z.array(inputEncodingSchema),
    })
    .openapi('JsonWeights', { description: 'the Dense layers as plain JSON numbers, for tools without TensorFlow' }),
);

// The topology is TensorFlow.js's own format (documented there); only its envelope is spelled out here.
export const tfjsModelJsonSchema = z
  .object({
    format: z.literal('layers-model'),
    generatedBy: z.literal('syndicate'),
    convertedBy: z.null(),
    modelTopology: z.object({
      class_name: z.literal('Sequential'),
      config: z.object({
        name: z.string(),
        layers: z.array(z.object({ class_name: z.enum(['Dense', 'Dropout']), config: z.record(z.unknown()) })),
      }),
      keras_version: z.string(),
      backend: z.literal('tensor_flow.js'),
    }),
    weightsManifest: z.array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.literal('float32') })),
      }),
    ),
    userDefinedMetadata: z.object({
      syndicate: z.object({
        ...provenance,
        output: z.string(),
        inputDim: z.number().int(),
        inputEncoding: z.array(inputEncodingSchema),
      }),
    }),
  })
  .openapi('TfjsModelJson', { description: 'model.json for tf.loadLayersModel; the shard sits beside it' });

const numericScorecardFeature = z.object({
  type: z.literal('numeric'),
  name: z.string(),
  transform: z.enum(['identity', 'log1p']),
  center: z.number(),
  scale: z.number(),
  weight: z.number(),
  pointsPerUnit: z.number(),
  missing: z.enum(['error', 'mean', 'constant']),
  fill: z.number().optional(),
  formula: z.string(),
});
const categoricalScorecardFeature = z.object({
  type: z.literal('categorical'),
  name: z.string(),
  categories: z.array(z.object({ value: z.string(), weight: z.number(), points: z.number() })),
  missing: z.enum(['error', 'category']),
});

export const scorecardSchema = describes<Scorecard>()(
  z
    .object({
      format: z.literal('syndicate-scorecard-v1'),
      target: z.string(),
      positiveClass: z.enum(['bad', 'good']),
      baseScore: z.number(),
      baseOdds: z.number(),
      pdo: z.number(),
      factor: z.number(),
      offset: z.number(),
      basePoints: z.number(),
      features: z.array(z.discriminatedUnion('type', [numericScorecardFeature, categoricalScorecardFeature])),
    })
    .openapi('Scorecard', { description: 'a logistic-regression model as a points-based credit scorecard' }),
);

/** Bodies that are not JSON: the model's raw weights and the tfjs shard. */
export const binarySchema = z.string().openapi({ type: 'string', format: 'binary' });

export const modelListSchema = z.array(modelViewSchema);

const evaluatedVersionSchema = z
  .object({
    roundNumber: z.number().int(),
    modelVersionId: z.string(),
    figure: z.number().nullable().openapi({ description: "the policy's metric on the federated validation rows" }),
  })
  .openapi('EvaluatedVersion');

export const selectionResponseSchema = describes<SelectionResponse>()(
  z
    .object({
      champion: orNull(evaluatedVersionSchema),
      best: orNull(evaluatedVersionSchema).openapi({
        description: 'the best version by the figure alone (the champion may be earlier, within the margin)',
      }),
      roundsWithoutImprovement: z.number().int(),
      stopped: z.boolean().openapi({ description: 'patience exhausted: no further round opens (EARLY_STOPPED)' }),
      policy: z.object({
        metric: z.enum(['auc', 'ks', 'log_loss', 'brier']),
        promotionMargin: z.number(),
        patience: z.number().int().optional(),
        minImprovement: z.number(),
      }),
      championModel: orNull(modelViewSchema).openapi({ description: 'the version `champion` resolves to' }),
    })
    .openapi('ModelSelection'),
);
