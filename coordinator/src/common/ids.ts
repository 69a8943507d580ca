import { randomBytes } from 'crypto';

/** Sortable-enough, prefixed ids: `rnd_` reads better in logs than a bare UUID. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
