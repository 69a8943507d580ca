import { Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { Roles } from '../http/roles';
import { TaskHub } from '../tasks/task-hub';
import { PresenceService } from './presence.service';
import { ParticipantsService, type Invitation } from './participants.service';
import { AgentAddress, type AgentConnection } from './agent-address';
import { PendingInvitations, type PendingInvitation } from './pending-invitations';

const inviteBody = z
  .object({
    displayName: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, _ . - only'),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(90 * 24 * 3600)
      .optional(),
  })
  .strict();

export interface ParticipantView {
  id: string;
  displayName: string;
  status: string;
  connected: boolean;
  enrolledAt: number;
  lastSeenAt: number | null;
}

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
  invitations(@Param('federationId') federationId: string): Promise<PendingInvitation[]> {
    return this.pending.list(federationId);
  }

  @Post('participants/:participantId/revoke')
  @Roles('admin')
  async revoke(
    @Param('federationId') federationId: string,
    @Param('participantId') participantId: string,
    @Actor() actor: Principal,
  ): Promise<{ id: string; status: string }> {
    const p = await this.participants.revoke(federationId, participantId, actor.tokenId);
    // Drop its task stream now; every later message is refused as revoked.
    this.hub.detach(p.id);
    return { id: p.id, status: p.status };
  }

  @Get('participants')
  @Roles('admin', 'data-scientist', 'auditor', 'viewer')
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
