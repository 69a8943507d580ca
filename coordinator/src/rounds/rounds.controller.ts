import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import { ApiDoc } from '../http/api-doc';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { RoundLifecycle } from './round-lifecycle.service';
import { RoundViews, type RoundView } from './round-views.service';
import { openRoundBody } from './rounds.requests';
import { roundListSchema, roundViewSchema } from './rounds.responses';

@Controller('v1')
export class RoundsController {
  constructor(
    private readonly lifecycle: RoundLifecycle,
    private readonly views: RoundViews,
  ) {}

  @Post('federations/:federationId/rounds')
  @Roles('admin')
  @ApiDoc({
    summary: 'Open a training round now',
    description:
      'Opens the next round on the latest model and offers it to the connected members; it publishes a new model once the quorum has contributed, or fails at the deadline. Refused while another round of the federation is active. A schedule opens rounds by itself; this is for a one-off round.',
    response: roundViewSchema,
  })
  open(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(openRoundBody)) body: z.infer<typeof openRoundBody>,
    @Actor() actor: Principal,
  ): Promise<RoundView> {
    return this.lifecycle.open(federationId, body, actor.tokenId);
  }

  @Get('federations/:federationId/rounds')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: "List a federation's rounds",
    description:
      'Every round of the federation in order, with its state, contributors (name, sample count, payload hash) and the federated evaluation of the model it published.',
    response: roundListSchema,
  })
  list(@Param('federationId') federationId: string): Promise<RoundView[]> {
    return this.views.list(federationId);
  }

  @Get('rounds/:id')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'Read one round',
    description:
      'State, deadline, contributors, failure reason and evaluation of one round; poll it to follow a round.',
    response: roundViewSchema,
  })
  get(@Param('id') id: string): Promise<RoundView> {
    return this.views.view(id);
  }

  @Post('rounds/:id/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiDoc({
    summary: 'Cancel an active round',
    description:
      'Fails the round with failure code CANCELLED; nothing is published and the members drop their work for it. Refused (ROUND_FINISHED) once the round has published; a failed round is returned as it is.',
    response: roundViewSchema,
  })
  cancel(@Param('id') id: string, @Actor() actor: Principal): Promise<RoundView> {
    return this.lifecycle.cancel(id, actor.tokenId);
  }
}
