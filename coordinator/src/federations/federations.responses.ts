import { trainingPlanSchema } from '@syndicate/protocol';
import { describes, epochMs, z } from '../http/openapi-zod';
import type { FederationView } from './federations.service';

export const federationViewSchema = describes<FederationView>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      plan: trainingPlanSchema.openapi('TrainingPlan'),
      planSha256: z.string().openapi({ description: 'SHA-256 of the canonical plan; agents check it at enrollment' }),
      keyEpoch: z.number().int().openapi({ description: 'current encryption key epoch (0 before the first is dealt)' }),
      numParams: z.number().int().openapi({ description: "number of weights in the plan's model" }),
      createdAt: epochMs,
    })
    .openapi('Federation'),
);

export const federationListSchema = z.array(federationViewSchema);
