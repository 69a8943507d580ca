import { describes, epochMs, z } from '../http/openapi-zod';
import { SCHEDULE_STATUSES, type ScheduleView } from './schedule-spec';

export const scheduleViewSchema = describes<ScheduleView>()(
  z
    .object({
      id: z.string(),
      federationId: z.string(),
      status: z.enum(SCHEDULE_STATUSES),
      cron: z.string(),
      timeZone: z.string(),
      windowMinutes: z.number().int(),
      rounds: z.number().int().openapi({ description: 'rounds to publish in all' }),
      minParticipants: z.number().int(),
      deadlineSeconds: z.number().int(),
      maxDurationSeconds: z.number().int(),
      onQuorumMissed: z.enum(['retry', 'fail']),
      createdAt: epochMs,
      createdBy: z.string(),
      statusReason: z.string().nullable(),
      roundsPublished: z.number().int(),
      roundsFailed: z.number().int(),
      nextWindowStart: epochMs
        .nullable()
        .openapi({ description: 'start of the window now under way, or of the next one' }),
      currentWindow: z.object({ start: epochMs, end: epochMs }).nullable(),
    })
    .openapi('Schedule'),
);

export const scheduleListSchema = z.array(scheduleViewSchema);
