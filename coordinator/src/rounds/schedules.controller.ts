import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Actor } from '../access/actor.decorator';
import type { Principal } from '../access/principal';
import { ANY_ROLE, Roles } from '../access/roles';
import type { ScheduleView } from './schedule-spec';
import { SchedulesService } from './schedules.service';

@Controller('v1')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /** Body: cron, timeZone, windowMinutes, rounds, minParticipants, deadlineSeconds, maxDurationSeconds, onQuorumMissed. */
  @Post('federations/:federationId/schedules')
  @Roles('admin')
  create(@Param('federationId') federationId: string, @Body() body: unknown, @Actor() actor: Principal): Promise<ScheduleView> {
    // Validated (every problem listed) by the service against the schedule schema.
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
