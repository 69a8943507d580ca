import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../admin/zod-body.pipe';
import { FederationsService, type FederationView } from './federations.service';

const createFederationBody = z.object({ plan: z.unknown() }).strict();

@Controller('v1/federations')
export class FederationsController {
  constructor(private readonly federations: FederationsService) {}

  @Post()
  create(@Body(new ZodBodyPipe(createFederationBody)) body: z.infer<typeof createFederationBody>): Promise<FederationView> {
    return this.federations.create(body.plan);
  }

  @Get()
  list(): Promise<FederationView[]> {
    return this.federations.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<FederationView> {
    return this.federations.get(id);
  }
}
