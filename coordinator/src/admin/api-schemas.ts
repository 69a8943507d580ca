/**
 * The admin API's request and response schemas in one place, for code that speaks to it from
 * inside the coordinator (the web console, tests): the same zod schemas the controllers validate
 * with and the OpenAPI document is generated from.
 */
export { problemDetailsSchema } from './problem-details.responses';
export { livenessSchema, readinessSchema } from './health.responses';
export { createTokenBody } from '../access/tokens.requests';
export { issuedTokenSchema, tokenListSchema, tokenViewSchema } from '../access/tokens.responses';
export { signInBody } from '../console/console.requests';
export { consoleSessionSchema, roundEventSchema } from '../console/console.responses';
export { auditListQuery } from '../audit/audit.requests';
export { auditEntryListSchema, auditEntrySchema, auditVerificationSchema } from '../audit/audit.responses';
export { evaluationListSchema, evaluationViewSchema, federatedMetricsSchema } from '../evaluation/evaluation.responses';
export { createFederationBody } from '../federations/federations.requests';
export { federationListSchema, federationViewSchema } from '../federations/federations.responses';
export { prometheusTextSchema } from '../metrics/metrics.responses';
export {
  binarySchema,
  jsonWeightsSchema,
  modelListSchema,
  modelViewSchema,
  scorecardSchema,
  tfjsModelJsonSchema,
} from '../models/models.responses';
export { inviteBody } from '../participants/participants.requests';
export {
  agentConnectionSchema,
  invitationSchema,
  participantListSchema,
  participantViewSchema,
  pendingInvitationListSchema,
  pendingInvitationSchema,
  revokedParticipantSchema,
  type ParticipantView,
} from '../participants/participants.responses';
export { htmlReportSchema } from '../reports/reports.responses';
export { openRoundBody } from '../rounds/rounds.requests';
export { roundContributorSchema, roundListSchema, roundViewSchema } from '../rounds/rounds.responses';
export { scheduleInputSchema } from '../rounds/schedule-spec';
export { scheduleListSchema, scheduleViewSchema } from '../rounds/schedules.responses';
export { openApiDocument } from './openapi-document';
