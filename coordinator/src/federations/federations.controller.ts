import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { FederationsService, type FederationView } from './federations.service';

const createFederationBody = z.object({ plan: z.unknown() }).strict();

@Controller('v1/federations')
export class FederationsController {
  constructor(private readonly federations: FederationsService) {}

  @Post()
  @Roles('admin')
  create(
    @Body(new ZodBodyPipe(createFederationBody)) body: z.infer<typeof createFederationBody>,
    @Actor() actor: Principal,
  ): Promise<FederationView> {
    return this.federations.create(body.plan, actor.tokenId);
  }

  @Get()
  @Roles(...ANY_ROLE)
  list(): Promise<FederationView[]> {
    return this.federations.list();
  }

  @Get(':id')
  @Roles(...ANY_ROLE)
  get(@Param('id') id: string): Promise<FederationView> {
    return this.federations.get(id);
  }
}
