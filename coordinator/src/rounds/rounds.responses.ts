import { evaluationViewSchema } from '../evaluation/evaluation.responses';
import { describes, epochMs, orNull, z } from '../http/openapi-zod';
import type { RoundView } from './round-views.service';
import type { RoundState } from './round-state-machine';
import type { FailureCode } from './schedule-policy';

const STATES = [
  'open',
  'counting',
  'collecting',
  'aggregating',
  'published',
  'failed',
] as const satisfies readonly RoundState[];
const FAILURES = [
  'QUORUM_MISSED',
  'NO_DEALER',
  'MAX_DURATION',
  'CANCELLED',
  'TOO_FEW_SURVIVORS',
  'PUBLICATION_UNCONFIRMED',
  'STATS_UNUSABLE',
] as const satisfies readonly FailureCode[];

export const roundContributorSchema = z
  .object({
    participantId: z.string(),
    displayName: z.string(),
    numSamples: z.number().int(),
    payloadSha256: z.string().openapi({ description: 'SHA-256 of the update as received (ciphertext when secure)' }),
    acceptedAt: epochMs,
  })
  .openapi('RoundContributor');

// The evaluation's figures may be NaN in memory and are null on the wire, so it is checked apart.
const roundFields = describes<Omit<RoundView, 'evaluation'>>()(
  z.object({
    id: z.string(),
    federationId: z.string(),
    number: z.number().int(),
    state: z.enum(STATES),
    mode: z.enum(['plaintext', 'secure']),
    keyEpoch: z.number().int(),
    baseModelVersionId: z.string().openapi({ description: 'the model the members train from' }),
    resultModelVersionId: z.string().nullable().openapi({ description: 'the model this round published' }),
    minParticipants: z.number().int(),
    openedAt: epochMs,
    deadlineAt: epochMs,
    closedAt: epochMs.nullable(),
    failureReason: z.string().nullable(),
    failureCode: z.enum(FAILURES).nullable(),
    scheduleId: z.string().nullable(),
    pausedAt: epochMs.nullable(),
    mustFinishBy: epochMs.nullable(),
    contributors: z.array(roundContributorSchema),
  }),
);

export const roundViewSchema = roundFields.extend({ evaluation: orNull(evaluationViewSchema) }).openapi('Round');

export const roundListSchema = z.array(roundViewSchema);
