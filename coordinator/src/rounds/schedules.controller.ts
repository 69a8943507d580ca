import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Actor } from '../http/actor.decorator';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { scheduleInputSchema, type ScheduleSpec, type ScheduleView } from './schedule-spec';
import { SchedulesService } from './schedules.service';

@Controller('v1')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('federations/:federationId/schedules')
  @Roles('admin')
  create(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(scheduleInputSchema, 'INVALID_SCHEDULE', 'the schedule is invalid')) body: ScheduleSpec,
    @Actor() actor: Principal,
  ): Promise<ScheduleView> {
    return this.schedules.create(federationId, body, actor.tokenId);
  }

  @Get('federations/:federationId/schedules')
  @Roles(...ANY_ROLE)
  list(@Param('federationId') federationId: string): Promise<ScheduleView[]> {
    return this.schedules.list(federationId);
  }

  @Get('schedules/:id')
  @Roles(...ANY_ROLE)
  get(@Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Post('schedules/:id/pause')
  @HttpCode(200)
  @Roles('admin')
  pause(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.pause(id, actor.tokenId);
  }

  @Post('schedules/:id/resume')
  @HttpCode(200)
  @Roles('admin')
  resume(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.resume(id, actor.tokenId);
  }

  @Post('schedules/:id/cancel')
  @HttpCode(200)
  @Roles('admin')
  cancel(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.cancel(id, actor.tokenId);
  }
}
