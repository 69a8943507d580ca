import { inputDimension, type DataSchema } from '@syndicate/protocol';

/** Name of the extra one-hot column under a categorical `missing: category` policy (as the plan defines it). */
const MISSING_COLUMN = '__missing__';

/** How one feature becomes input columns; shipped with every export so a model is usable without the plan. */
export type InputEncodingEntry =
  | {
      feature: string;
      type: 'numeric';
      /** Input column this feature fills. */
      column: number;
      transform: 'identity' | 'log1p';
      center: number;
      scale: number;
      /** What a missing cell becomes: refused, `center` (mean), or the raw `fill` value. */
      missing: string;
      fill?: number;
      formula: string;
    }
  | {
      feature: string;
      type: 'categorical';
      /** First input column; category i sets column firstColumn + i to 1, the others to 0. */
      firstColumn: number;
      /** The one-hot columns in order: the vocabulary, then "__missing__" when missing cells get their own column. */
      categories: string[];
      missing: string;
      formula: string;
    };

/**
 * The plan's row encoding, column by column (mirrors the participant SDK's row
 * encoder). Missing-value policies are read when the plan has them.
 */
export function inputEncoding(schema: DataSchema): InputEncodingEntry[] {
  let column = 0;
  const entries = schema.features.map((f): InputEncodingEntry => {
    const policy = f as { missing?: string; fill?: number };
    if (f.type === 'numeric') {
      const t = f.log1p ? 'log1p(x)' : 'x';
      return {
        feature: f.name,
        type: 'numeric',
        column: column++,
        transform: f.log1p ? 'log1p' : 'identity',
        center: f.center,
        scale: f.scale,
        missing: policy.missing ?? 'error',
        ...(policy.fill !== undefined ? { fill: policy.fill } : {}),
        formula: `(${t} - ${f.center}) / ${f.scale}`,
      };
    }
    const categories = policy.missing === 'category' ? [...f.vocabulary, MISSING_COLUMN] : [...f.vocabulary];
    const firstColumn = column;
    column += categories.length;
    return {
      feature: f.name,
      type: 'categorical',
      firstColumn,
      categories,
      missing: policy.missing ?? 'error',
      formula: `one-hot in this order over columns ${firstColumn}..${column - 1}; a value outside it is an error`,
    };
  });
  if (column !== inputDimension(schema))
    throw new Error(`input encoding covers ${column} columns, the model has ${inputDimension(schema)}`);
  return entries;
}
