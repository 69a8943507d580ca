import { z } from '../http/openapi-zod';

// The plan is checked by parseTrainingPlan in the service (INVALID_PLAN lists every problem); the document still shows its shape.
export const createFederationBody = z
  .object({
    plan: z.unknown().openapi({
      description: 'the training plan (the TrainingPlan schema shows its fields); its name names the federation',
    }),
  })
  .strict()
  .openapi('CreateFederationRequest');
