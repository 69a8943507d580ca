import type { ValueTransformer } from 'typeorm';

/**
 * Timestamps are stored as epoch milliseconds in a bigint column: the same type on
 * SQLite and PostgreSQL, no time-zone surprises. pg returns bigint as a string.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** Binary column type of the connected driver. */
export function binaryType(driver: string): string {
  return driver === 'postgres' ? 'bytea' : 'blob';
}
