import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

export const SCHEDULE_STATUSES = ['active', 'paused', 'cancelled', 'completed', 'failed'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function cronProblem(expr: string, tz: string): string | null {
  try {
    CronExpressionParser.parse(expr, { tz, currentDate: new Date(0) }).next();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * When rounds may run: each cron occurrence (in `timeZone`) opens a window of
 * `windowMinutes`; rounds run back to back inside windows until `rounds` have published.
 */
export const scheduleInputSchema = z
  .object({
    cron: z
      .string()
      .min(1)
      .max(128)
      .superRefine((expr, ctx) => {
        const problem = cronProblem(expr, 'UTC');
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a valid cron expression: ${problem}` });
      }),
    timeZone: z
      .string()
      .default('UTC')
      .refine(validTimeZone, { message: 'not an IANA time zone (e.g. Europe/Zurich, UTC)' }),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    rounds: z.number().int().min(1).max(100_000),
    /** Quorum; defaults to the plan's rounds.minParticipants. */
    minParticipants: z.number().int().min(1).optional(),
    /** Collection deadline per round; defaults to the plan's rounds.deadlineSeconds. */
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    /** A round not published this long after it opened fails; defaults to twice the deadline. */
    maxDurationSeconds: z
      .number()
      .int()
      .min(1)
      .max(14 * 24 * 3600)
      .optional(),
    /** After a round misses quorum: try again in the next window, or fail the schedule. */
    onQuorumMissed: z.enum(['retry', 'fail']).default('retry'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.deadlineSeconds !== undefined && s.deadlineSeconds > s.windowMinutes * 60) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['deadlineSeconds'],
        message: `a round's deadline (${s.deadlineSeconds}s) must fit in the window (${s.windowMinutes * 60}s)`,
      });
    }
    if (
      s.maxDurationSeconds !== undefined &&
      s.deadlineSeconds !== undefined &&
      s.maxDurationSeconds < s.deadlineSeconds
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxDurationSeconds'],
        message: 'must be at least deadlineSeconds',
      });
    }
  });

export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ScheduleSpec = z.output<typeof scheduleInputSchema>;

export interface ScheduleView {
  id: string;
  federationId: string;
  status: ScheduleStatus;
  cron: string;
  timeZone: string;
  windowMinutes: number;
  rounds: number;
  minParticipants: number;
  deadlineSeconds: number;
  maxDurationSeconds: number;
  onQuorumMissed: 'retry' | 'fail';
  createdAt: number;
  createdBy: string;
  statusReason: string | null;
  roundsPublished: number;
  roundsFailed: number;
  /** Start of the window now under way, or of the next one. */
  nextWindowStart: number | null;
  currentWindow: { start: number; end: number } | null;
}

export interface Window {
  start: number;
  end: number;
}

/** The window containing `now`, if any: the latest cron occurrence at or before now, if it is less than windowMinutes ago. */
export function windowAt(cron: string, timeZone: string, windowMinutes: number, now: number): Window | null {
  // cron-parser's prev() is strictly before currentDate; +1 ms makes an occurrence at exactly now count.
  const it = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(now + 1) });
  const start = it.prev().getTime();
  const end = start + windowMinutes * 60_000;
  return now < end ? { start, end } : null;
}

export function nextWindowStart(cron: string, timeZone: string, now: number): number {
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(now) })
    .next()
    .getTime();
}
