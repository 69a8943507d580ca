import { describes, epochMs, orNull, z } from '../http/openapi-zod';
import { ROLES } from '../http/roles';
import { roundViewSchema } from '../rounds/rounds.responses';
import { CONSOLE_CAPABILITIES, type ConsoleCapability, type ConsoleSessionView } from './console-views';

const capabilities = Object.keys(CONSOLE_CAPABILITIES) as [ConsoleCapability, ...ConsoleCapability[]];

export const consoleSessionSchema = describes<ConsoleSessionView>()(
  z
    .object({
      name: z.string().openapi({ description: 'name of the API token the caller stands for' }),
      tokenId: z.string(),
      roles: z.array(z.enum(ROLES)),
      expiresAt: epochMs.nullable().openapi({
        description: 'when the session ends (never after its token); null when called with a bearer token',
      }),
      csrfToken: z.string().nullable().openapi({
        description:
          'send it back as `X-CSRF-Token` on every POST or DELETE made with the session cookie; keep it in memory only (null for a bearer token)',
      }),
      capabilities: z.array(z.enum(capabilities)).openapi({
        description: "what the console may show or do for these roles, read from the API routes' own role declarations",
      }),
    })
    .openapi('ConsoleSession'),
);

/** The data of one event of RoundEventsController (its RoundEvent); Round is tied to RoundView in rounds.responses.ts. */
export const roundEventSchema = z
  .object({
    round: orNull(roundViewSchema).openapi({
      description: 'the federation’s current round as GET /v1/rounds/{id} gives it; null when none was ever opened',
    }),
  })
  .openapi('RoundEvent', {
    description:
      'The `data` of one `round` event on the stream (`event: round`, `data: <this object as JSON>`): sent at connect and whenever the round changes.',
  });
