import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Actor } from '../http/actor.decorator';
import { ApiDoc } from '../http/api-doc';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { scheduleInputSchema, type ScheduleSpec, type ScheduleView } from './schedule-spec';
import { SchedulesService } from './schedules.service';
import { scheduleListSchema, scheduleViewSchema } from './schedules.responses';

@Controller('v1')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('federations/:federationId/schedules')
  @Roles('admin')
  @ApiDoc({
    summary: 'Schedule rounds in recurring time windows',
    description:
      'Each cron occurrence (in `timeZone`) opens a window of `windowMinutes`; rounds run back to back inside windows until `rounds` have published. A round that misses quorum is retried in the next window or fails the schedule (`onQuorumMissed`). Reason INVALID_SCHEDULE lists every problem.',
    response: scheduleViewSchema,
  })
  create(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(scheduleInputSchema, 'INVALID_SCHEDULE', 'the schedule is invalid')) body: ScheduleSpec,
    @Actor() actor: Principal,
  ): Promise<ScheduleView> {
    return this.schedules.create(federationId, body, actor.tokenId);
  }

  @Get('federations/:federationId/schedules')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: "List a federation's schedules",
    description:
      'Every schedule of the federation, oldest first, with progress (rounds published, failed) and its next window.',
    response: scheduleListSchema,
  })
  list(@Param('federationId') federationId: string): Promise<ScheduleView[]> {
    return this.schedules.list(federationId);
  }

  @Get('schedules/:id')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'Read one schedule and its progress',
    description: 'Status, rounds published and failed so far, the window under way and the next window start.',
    response: scheduleViewSchema,
  })
  get(@Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Post('schedules/:id/pause')
  @HttpCode(200)
  @Roles('admin')
  @ApiDoc({
    summary: 'Pause a schedule',
    description:
      'No new round opens and its running round freezes at once (members are told); resuming moves every deadline by the pause. Only an active schedule pauses.',
    response: scheduleViewSchema,
  })
  pause(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.pause(id, actor.tokenId);
  }

  @Post('schedules/:id/resume')
  @HttpCode(200)
  @Roles('admin')
  @ApiDoc({
    summary: 'Resume a paused schedule',
    description:
      'The frozen round continues with its deadlines moved by the pause, and rounds open again in the windows ahead.',
    response: scheduleViewSchema,
  })
  resume(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.resume(id, actor.tokenId);
  }

  @Post('schedules/:id/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiDoc({
    summary: 'Cancel a schedule for good',
    description:
      'The schedule ends and its running round fails as CANCELLED; the models it already published stay. Refused (SCHEDULE_FINISHED) when it has already ended.',
    response: scheduleViewSchema,
  })
  cancel(@Param('id') id: string, @Actor() actor: Principal): Promise<ScheduleView> {
    return this.schedules.cancel(id, actor.tokenId);
  }
}
