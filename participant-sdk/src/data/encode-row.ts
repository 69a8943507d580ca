import { inputDimension, type DataSchema } from '@syndicate/protocol';

/** One encoded row, or the problems that stop it from being encoded. */
export type EncodeResult = { ok: true; label: number } | { ok: false; problems: string[] };

/**
 * Compiles the schema into a row encoder that writes straight into the feature
 * matrix: numeric (optional log1p, then (x - center) / scale), categorical one-hot
 * in vocabulary order, binary target. Messages name the column; the caller adds the row.
 */
export function rowEncoder(schema: DataSchema): { inputDim: number; encode(row: Record<string, string>, out: Float32Array, offset: number): EncodeResult } {
  const inputDim = inputDimension(schema);
  const steps = schema.features.map((f) => {
    if (f.type === 'numeric') {
      return (raw: string | undefined, out: Float32Array, at: number): string | null => {
        const text = (raw ?? '').trim();
        if (text === '') return `column ${f.name}: missing value (numeric feature)`;
        const x = Number(text);
        if (!Number.isFinite(x)) return `column ${f.name}: ${JSON.stringify(text)} is not a number`;
        if (f.log1p && x < 0) return `column ${f.name}: ${x} is negative but the schema applies log1p`;
        out[at] = ((f.log1p ? Math.log1p(x) : x) - f.center) / f.scale;
        return null;
      };
    }
    const index = new Map(f.vocabulary.map((v, i) => [v, i]));
    return (raw: string | undefined, out: Float32Array, at: number): string | null => {
      const text = (raw ?? '').trim();
      const i = index.get(text);
      if (i === undefined) {
        return text === ''
          ? `column ${f.name}: missing value (categorical feature)`
          : `column ${f.name}: ${JSON.stringify(text)} is not in the vocabulary (${f.vocabulary.join(', ')})`;
      }
      out.fill(0, at, at + f.vocabulary.length);
      out[at + i] = 1;
      return null;
    };
  });
  const widths = schema.features.map((f) => (f.type === 'numeric' ? 1 : f.vocabulary.length));
  const target = schema.target.name;
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
      const t = (row[target] ?? '').trim();
      const label = t === '1' ? 1 : t === '0' ? 0 : NaN;
      if (Number.isNaN(label)) problems.push(`column ${target}: target must be 0 or 1, got ${JSON.stringify(t)}`);
      return problems.length ? { ok: false, problems } : { ok: true, label };
    },
  };
}
