import { Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import { ApiDoc } from '../http/api-doc';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { Roles } from '../http/roles';
import { TaskHub } from '../tasks/task-hub';
import { PresenceService } from './presence.service';
import { ParticipantsService, type Invitation } from './participants.service';
import { AgentAddress, type AgentConnection } from './agent-address';
import { PendingInvitations, type PendingInvitation } from './pending-invitations';
import { inviteBody } from './participants.requests';
import {
  invitationSchema,
  participantListSchema,
  pendingInvitationListSchema,
  revokedParticipantSchema,
  type ParticipantView,
} from './participants.responses';

@Controller('v1/federations/:federationId')
export class ParticipantsController {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly hub: TaskHub,
    private readonly presence: PresenceService,
    private readonly address: AgentAddress,
    private readonly pending: PendingInvitations,
  ) {}

  @Post('invitations')
  @Roles('admin')
  @ApiDoc({
    summary: 'Invite a bank to enroll',
    description:
      "Issues a one-time enrollment token for the named bank (shown only in this response; only its hash is kept) and says how its agent reaches this coordinator, so the admin can hand over a complete command. The bank's agent redeems it over gRPC with its own keys.",
    response: invitationSchema,
  })
  async invite(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(inviteBody)) body: z.infer<typeof inviteBody>,
    @Actor() actor: Principal,
    @Headers('host') host?: string,
  ): Promise<Invitation & { agent: AgentConnection }> {
    const inv = await this.participants.invite(federationId, body.displayName, actor.tokenId, body.ttlSeconds);
    // So the admin can hand the bank a complete command, not a placeholder.
    return { ...inv, agent: this.address.describe(host) };
  }

  @Get('invitations')
  @Roles('admin')
  @ApiDoc({
    summary: 'List invitations not yet used',
    description:
      'Invitations neither redeemed nor expired: who is still expected to enroll, soonest expiry first. Tokens are never shown again; a hash prefix identifies each.',
    response: pendingInvitationListSchema,
  })
  invitations(@Param('federationId') federationId: string): Promise<PendingInvitation[]> {
    return this.pending.list(federationId);
  }

  @Post('participants/:participantId/revoke')
  @Roles('admin')
  @ApiDoc({
    summary: "Revoke a member's enrollment",
    description:
      'The member is cut off at once: its task stream is dropped and every later message from it is refused as revoked; the next secure round deals a new key epoch without it. It stays in the member list with status revoked.',
    response: revokedParticipantSchema,
  })
  async revoke(
    @Param('federationId') federationId: string,
    @Param('participantId') participantId: string,
    @Actor() actor: Principal,
  ): Promise<z.infer<typeof revokedParticipantSchema>> {
    const p = await this.participants.revoke(federationId, participantId, actor.tokenId);
    // Drop its task stream now; every later message is refused as revoked.
    this.hub.detach(p.id);
    return { id: p.id, status: p.status };
  }

  @Get('participants')
  @Roles('admin', 'data-scientist', 'auditor', 'viewer')
  @ApiDoc({
    summary: "List a federation's members",
    description:
      'Every enrolled bank in enrollment order, whether it is connected to any replica now, and when it was last seen.',
    response: participantListSchema,
  })
  async list(@Param('federationId') federationId: string): Promise<ParticipantView[]> {
    const online = new Set(await this.presence.online(federationId));
    return (await this.participants.list(federationId)).map((p) => ({
      id: p.id,
      displayName: p.displayName,
      status: p.status,
      // On any replica: several may serve agents at once.
      connected: online.has(p.id),
      enrolledAt: p.enrolledAt,
      lastSeenAt: p.lastSeenAt,
    }));
  }
}
