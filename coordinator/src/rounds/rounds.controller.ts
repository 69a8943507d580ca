import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../admin/zod-body.pipe';
import { RoundsService, type RoundView } from './rounds.service';

const openRoundBody = z
  .object({
    deadlineSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
    minParticipants: z.number().int().min(1).optional(),
  })
  .strict();

@Controller('v1')
export class RoundsController {
  constructor(private readonly rounds: RoundsService) {}

  @Post('federations/:federationId/rounds')
  open(@Param('federationId') federationId: string, @Body(new ZodBodyPipe(openRoundBody)) body: z.infer<typeof openRoundBody>): Promise<RoundView> {
    return this.rounds.open(federationId, body);
  }

  @Get('federations/:federationId/rounds')
  list(@Param('federationId') federationId: string): Promise<RoundView[]> {
    return this.rounds.list(federationId);
  }

  @Get('rounds/:id')
  get(@Param('id') id: string): Promise<RoundView> {
    return this.rounds.view(id);
  }
}
