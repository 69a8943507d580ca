import { z } from '../http/openapi-zod';

export const openRoundBody = z
  .object({
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional()
      .openapi({ description: "collection deadline; defaults to the plan's rounds.deadlineSeconds" }),
    minParticipants: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: "quorum; defaults to the plan's rounds.minParticipants" }),
  })
  .strict()
  .openapi('OpenRoundRequest');
