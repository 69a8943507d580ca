import { z } from '../http/openapi-zod';

export const livenessSchema = z.object({ status: z.literal('ok') }).openapi('Liveness');

export const readinessSchema = z
  .object({
    status: z.literal('ready'),
    role: z.enum(['leader', 'follower']).openapi({
      description: 'leader drives rounds; every replica serves agents and admins either way',
    }),
  })
  .openapi('Readiness');
