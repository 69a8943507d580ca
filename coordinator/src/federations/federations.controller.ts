import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import { ApiDoc } from '../http/api-doc';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { FederationsService, type FederationView } from './federations.service';
import { createFederationBody } from './federations.requests';
import { federationListSchema, federationViewSchema } from './federations.responses';

@Controller('v1/federations')
export class FederationsController {
  constructor(private readonly federations: FederationsService) {}

  @Post()
  @Roles('admin')
  @ApiDoc({
    summary: 'Create a federation from a training plan',
    description:
      'Validates the plan (every problem is listed under `problems`, reason INVALID_PLAN), stores it with its initial model (version 0, round 0) and audits the creation. The plan name becomes the federation name and must be unused.',
    response: federationViewSchema,
  })
  create(
    @Body(new ZodBodyPipe(createFederationBody)) body: z.infer<typeof createFederationBody>,
    @Actor() actor: Principal,
  ): Promise<FederationView> {
    return this.federations.create(body.plan, actor.tokenId);
  }

  @Get()
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'List every federation',
    description: 'All federations of this coordinator with their plans, key epochs and model sizes, oldest first.',
    response: federationListSchema,
  })
  list(): Promise<FederationView[]> {
    return this.federations.list();
  }

  @Get(':id')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'Read one federation and its plan',
    description:
      'The federation, its training plan as stored (defaults filled in), the plan hash agents check, and its current key epoch.',
    response: federationViewSchema,
  })
  get(@Param('id') id: string): Promise<FederationView> {
    return this.federations.get(id);
  }
}
