/**
 * When a masked sum stops taking mask keys once its threshold is in: a quarter of the way to the
 * phase's deadline, 5 s to 30 s (members advertise as their task starts). Whole milliseconds: the
 * column is a bigint, and PostgreSQL refuses a fraction where SQLite stores it.
 */
export const advertDeadline = (now: number, phaseDeadlineAt: number): number =>
  Math.floor(now + Math.min(30_000, Math.max(5_000, (phaseDeadlineAt - now) / 4)));
