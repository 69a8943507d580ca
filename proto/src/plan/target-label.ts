import { z } from 'zod';

const column = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must start with a letter or underscore and use only letters, digits, _ . -');

/** Label values that mean "1" when a plan gives no `positive` list: the target must then hold literally 0 or 1. */
export const DEFAULT_POSITIVE = ['1'];

/**
 * The target column and how its text becomes a 0/1 label. Accepted as `"col"`, `{ name }` (the
 * original form) or `{ column, positive }`; always read back as `{ name, positive? }`. With
 * `positive`, a cell equal to one of its values (case and surrounding spaces ignored) is 1 and
 * any other present value is 0; without it the cell must be 0 or 1. A missing label is an error.
 */
export const targetSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z
    .object({
      name: column.optional(),
      column: column.optional(),
      positive: z.array(z.string().trim().min(1)).min(1).max(100).optional(),
    })
    .strict()
    .superRefine((o, ctx) => {
      if (o.name === undefined && o.column === undefined)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'name the target column: target: { column: "..." }' });
      if (o.name !== undefined && o.column !== undefined && o.name !== o.column)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: 'give the target column once (column or name, not both)',
        });
    })
    .transform((o) => ({ name: (o.name ?? o.column)!, ...(o.positive ? { positive: o.positive } : {}) })),
);

export type TargetSpec = z.infer<typeof targetSchema>;

/** The target's name from a plan's raw (unparsed) target, if it names one. */
export function rawTargetName(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as { name?: unknown; column?: unknown };
  const name = o.name ?? o.column;
  return typeof name === 'string' ? name : undefined;
}

/** Compiles the label mapping: the cell's label, or the problem with it (naming the column). */
export function labelReader(target: TargetSpec): (raw: string | undefined) => number | string {
  const positive = target.positive ? new Set(target.positive.map((v) => v.toLowerCase())) : undefined;
  return (raw) => {
    const t = (raw ?? '').trim();
    if (!positive) {
      if (t === '1') return 1;
      if (t === '0') return 0;
      return `column ${target.name}: target must be 0 or 1, got ${JSON.stringify(t)} (list the values that mean 1 in target.positive)`;
    }
    if (/^(|na|nan|null)$/i.test(t)) return `column ${target.name}: missing target value`;
    return positive.has(t.toLowerCase()) ? 1 : 0;
  };
}
