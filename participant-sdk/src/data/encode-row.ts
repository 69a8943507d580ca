import {
  categoryColumns,
  featureWidth,
  inputDimension,
  labelReader,
  OTHER_CATEGORY,
  unknownPolicy,
  type DataSchema,
} from '@syndicate/protocol';
import { isMissingCell, parseNumericCell } from './cell-values';

/** One encoded row, or the problems that stop it from being encoded. */
export type EncodeResult = { ok: true; label: number } | { ok: false; problems: string[] };

export type CsvRow = Readonly<Record<string, string | undefined>>;

/** Writes one feature's encoded columns at `at`; the problem (naming the column) when the cell cannot be encoded. */
export type CellEncoder = (raw: string | undefined, out: Float32Array, at: number) => string | null;

/**
 * Per feature, in schema order: the cell encoder, and for numeric features the
 * same encoding from a number already parsed (what the batch scorer gives the
 * behavioural features it computes, skipping a round trip through text: a JS
 * number printed and parsed back is the same number, so both give the same bits).
 */
export function cellEncoders(
  schema: DataSchema,
): { cell: CellEncoder; value?: (x: number, out: Float32Array, at: number) => string | null }[] {
  return schema.features.map((f) => {
    if (f.type === 'numeric') {
      const scaled = (x: number) => ((f.log1p ? Math.log1p(x) : x) - f.center) / f.scale;
      const value = (x: number, out: Float32Array, at: number): string | null => {
        if (f.log1p && x < 0) return `column ${f.name}: ${x} is negative but the schema applies log1p`;
        out[at] = scaled(x);
        return null;
      };
      const cell: CellEncoder = (raw, out, at) => {
        const text = (raw ?? '').trim();
        if (isMissingCell(text)) {
          if (f.missing === 'mean') out[at] = 0;
          else if (f.missing === 'constant' && f.fill !== undefined) out[at] = scaled(f.fill);
          else return `column ${f.name}: missing value (numeric feature)`;
          return null;
        }
        const x = parseNumericCell(text);
        if (x === undefined) return `column ${f.name}: ${JSON.stringify(text)} is not a number`;
        return value(x, out, at);
      };
      return { cell, value };
    }
    const columns = categoryColumns(f);
    const index = new Map(f.vocabulary.map((v, i) => [v, i]));
    // Outside the vocabulary: the "__other__" column when the vocabulary has one, else no column lit (-1).
    const other = unknownPolicy(schema, f) === 'error' ? undefined : (index.get(OTHER_CATEGORY) ?? -1);
    const cell: CellEncoder = (raw, out, at) => {
      const text = (raw ?? '').trim();
      let i = index.get(text);
      if (i === undefined && isMissingCell(text)) {
        if (f.missing !== 'category') return `column ${f.name}: missing value (categorical feature)`;
        i = f.vocabulary.length;
      }
      i ??= other;
      if (i === undefined)
        return `column ${f.name}: ${JSON.stringify(text)} is not in the vocabulary (${f.vocabulary.join(', ')}; unknownCategory: error)`;
      out.fill(0, at, at + columns.length);
      if (i >= 0) out[at + i] = 1;
      return null;
    };
    return { cell };
  });
}

/**
 * Compiles the schema into a row encoder that writes straight into the feature
 * matrix: numeric (optional log1p, then (x - center) / scale), categorical one-hot
 * in vocabulary order (a value outside it per the unknown-category policy), the label mapped by target-label.ts. Missing cells (see cell-values.ts) follow the
 * feature's `missing` policy: `mean` encodes as the center (0 after scaling),
 * `constant` as `fill` (then log1p and scaling like any value), `category` as the
 * extra "__missing__" column. Messages name the column; the caller adds the row.
 */
export function rowEncoder(schema: DataSchema): {
  inputDim: number;
  encode(row: CsvRow, out: Float32Array, offset: number): EncodeResult;
} {
  const inputDim = inputDimension(schema);
  const steps = cellEncoders(schema).map((e) => e.cell);
  const widths = schema.features.map(featureWidth);
  const target = schema.target.name;
  const readLabel = labelReader(schema.target);
  return {
    inputDim,
    encode(row, out, offset) {
      const problems: string[] = [];
      let at = offset;
      steps.forEach((step, i) => {
        const p = step(row[schema.features[i].name], out, at);
        if (p) problems.push(p);
        at += widths[i];
      });
      const label = readLabel(row[target]);
      if (typeof label === 'string') problems.push(label);
      return problems.length || typeof label === 'string' ? { ok: false, problems } : { ok: true, label };
    },
  };
}
