import { describes, epochMs, z } from '../http/openapi-zod';
import type { AgentConnection } from './agent-address';
import type { Invitation } from './enrollment.service';
import type { ParticipantStatus } from './participant.entity';
import type { PendingInvitation } from './pending-invitations';

export const agentConnectionSchema = describes<AgentConnection>()(
  z
    .object({
      coordinator: z.string().openapi({ description: 'host:port the agent dials', example: 'fl.example.org:50051' }),
      tls: z.enum(['mutual', 'server', 'none']).openapi({
        description: 'mutual: the agent needs a client certificate; server: the consortium CA only; none: --insecure',
      }),
    })
    .openapi('AgentConnection'),
);

const invitationFields = describes<Invitation>()(
  z.object({
    federationId: z.string(),
    displayName: z.string(),
    token: z.string().openapi({ description: 'one-time enrollment token, shown only here (only its hash is stored)' }),
    expiresAt: epochMs,
  }),
);

export const invitationSchema = invitationFields
  .extend({ agent: agentConnectionSchema })
  .openapi('Invitation', { description: 'hand the token and the agent connection to the bank' });

export const pendingInvitationSchema = describes<PendingInvitation>()(
  z
    .object({
      displayName: z.string(),
      expiresAt: epochMs,
      tokenSha256Prefix: z
        .string()
        .openapi({ description: "first characters of the token's SHA-256, as the audit log records them" }),
    })
    .openapi('PendingInvitation'),
);

const participantStatus = z.enum(['active', 'revoked'] as const satisfies readonly ParticipantStatus[]);

export const participantViewSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    status: participantStatus,
    connected: z.boolean().openapi({ description: 'holds a task stream to some replica now' }),
    enrolledAt: epochMs,
    lastSeenAt: epochMs.nullable(),
  })
  .openapi('Participant');
export type ParticipantView = z.infer<typeof participantViewSchema>;

export const revokedParticipantSchema = z
  .object({ id: z.string(), status: participantStatus.openapi({ description: 'revoked, from now on' }) })
  .openapi('RevokedParticipant');

export const participantListSchema = z.array(participantViewSchema);
export const pendingInvitationListSchema = z.array(pendingInvitationSchema);
