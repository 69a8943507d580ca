import {
  BEHAVIOUR_FEATURES,
  behaviouralFeatures,
  featureWidth,
  inputDimension,
  type CardState,
  type CardTransaction,
  type DataSchema,
} from '@syndicate/protocol';
import { cellEncoders, rowEncoder } from '../data/encode-row';
import { parseTransaction } from '../data/raw-transaction';

/** A field of a request and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type EncodedTransaction =
  { ok: true; tx: CardTransaction; x: Float32Array } | { ok: false; problems: FieldProblem[] };

const DERIVED = new Set<string>(BEHAVIOUR_FEATURES);

/** "column mcc: ..." (the row encoder's wording) or "amount: ..." (the transaction parser's) as field + message. */
function fieldProblem(p: string): FieldProblem {
  const m = /^(?:column )?([^:]+): (.*)$/s.exec(p);
  return m ? { field: m[1], message: m[2] } : { field: '(body)', message: p };
}

/**
 * A transaction (by column name, from JSON or CSV) to the model's input row:
 * behavioural features from the card's history before it (the same code as
 * the training connector), the schema's other features from the request, both
 * through the training row encoder. Pure: the history is not advanced.
 */
export function transactionEncoder(
  schema: DataSchema,
): (get: (field: string) => unknown, history: (cardId: string) => CardState | undefined) => EncodedTransaction {
  const encode = transactionEncoderWith(schema);
  return (get, history) => encode(get, (tx) => behaviouralFeatures(tx, history(tx.cardId)));
}

/**
 * `transactionEncoder` with the behavioural features computed by the caller
 * from the parsed transaction (the batch scorer, whose card states name
 * merchants and regions by code).
 */
export function transactionEncoderWith(
  schema: DataSchema,
): (get: (field: string) => unknown, features: (tx: CardTransaction) => number[]) => EncodedTransaction {
  const { encode } = rowEncoder(schema);
  const encoders = cellEncoders(schema);
  const inputDim = inputDimension(schema);
  const fromRequest = schema.features.map((f) => f.name).filter((n) => !DERIVED.has(n));
  const derivedIndex = schema.features.map((f) => (BEHAVIOUR_FEATURES as readonly string[]).indexOf(f.name));
  const offsets: number[] = [];
  schema.features.reduce((at, f) => (offsets.push(at), at + featureWidth(f)), 0);
  const text = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  const x = () => new Float32Array(inputDim);
  /** The schema's own fields from the request, behavioural ones filled in (or 0 when the raw fields are bad). */
  const record = (get: (field: string) => unknown, values?: number[]) => {
    const r: Record<string, string> = { [schema.target.name]: '0' };
    BEHAVIOUR_FEATURES.forEach((name, i) => {
      r[name] = values ? String(values[i]) : '0';
    });
    for (const name of fromRequest) {
      const v = get(name);
      if (typeof v === 'string') r[name] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') r[name] = String(v);
    }
    return r;
  };
  return (get, features) => {
    const parsed = parseTransaction(get);
    if (!parsed.ok) {
      // Name every bad field at once: the schema's own fields are checked too.
      const more = encode(record(get), x(), 0);
      return { ok: false, problems: [...parsed.problems, ...(more.ok ? [] : more.problems)].map(fieldProblem) };
    }
    // What encoding `record(get, values)` gives, without printing each feature and parsing it back:
    // the features are finite and never -0, so a number and its printed form encode to the same bits.
    const values = features(parsed.tx);
    const out = x();
    const problems: string[] = [];
    schema.features.forEach((f, j) => {
      const d = derivedIndex[j];
      const e = encoders[j];
      const p =
        d < 0
          ? e.cell(text(get(f.name)), out, offsets[j])
          : e.value
            ? e.value(values[d], out, offsets[j])
            : e.cell(String(values[d]), out, offsets[j]);
      if (p) problems.push(p);
    });
    return problems.length ? { ok: false, problems: problems.map(fieldProblem) } : { ok: true, tx: parsed.tx, x: out };
  };
}
