import type { ValueTransformer } from 'typeorm';

/**
 * Timestamps are stored as epoch milliseconds in a bigint column: the same type on
 * SQLite and PostgreSQL, no time-zone surprises. pg returns bigint as a string.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

import { getMetadataArgsStorage } from 'typeorm';

/** Binary column type of the connected driver. */
export function binaryType(driver: string): 'bytea' | 'blob' {
  return driver === 'postgres' ? 'bytea' : 'blob';
}

/**
 * Binary columns are declared once but the type name differs per driver (blob on
 * SQLite, bytea on PostgreSQL) and decorators run before the driver is known, so
 * entities declare BINARY_COLUMN and useBinaryColumnsFor() names the type at connect time.
 */
export const BINARY_COLUMN = { type: 'blob' as const };

export function useBinaryColumnsFor(driver: string): void {
  for (const c of getMetadataArgsStorage().columns) {
    if (c.options.type === 'blob' || c.options.type === 'bytea') c.options.type = binaryType(driver);
  }
}
