import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { RoundLifecycle } from './round-lifecycle.service';
import { RoundViews, type RoundView } from './round-views.service';

const openRoundBody = z
  .object({
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    minParticipants: z.number().int().min(1).optional(),
  })
  .strict();

@Controller('v1')
export class RoundsController {
  constructor(
    private readonly lifecycle: RoundLifecycle,
    private readonly views: RoundViews,
  ) {}

  @Post('federations/:federationId/rounds')
  @Roles('admin')
  open(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(openRoundBody)) body: z.infer<typeof openRoundBody>,
    @Actor() actor: Principal,
  ): Promise<RoundView> {
    return this.lifecycle.open(federationId, body, actor.tokenId);
  }

  @Get('federations/:federationId/rounds')
  @Roles(...ANY_ROLE)
  list(@Param('federationId') federationId: string): Promise<RoundView[]> {
    return this.views.list(federationId);
  }

  @Get('rounds/:id')
  @Roles(...ANY_ROLE)
  get(@Param('id') id: string): Promise<RoundView> {
    return this.views.view(id);
  }

  @Post('rounds/:id/cancel')
  @HttpCode(200)
  @Roles('admin')
  cancel(@Param('id') id: string, @Actor() actor: Principal): Promise<RoundView> {
    return this.lifecycle.cancel(id, actor.tokenId);
  }
}
