import { dataSchemaSchema, OTHER_CATEGORY, type DataSchema } from '@syndicate/protocol';
import { isMissingCell, parseNumericCell } from './cell-values';
import { csvRecords } from './csv-records';

/** Column names tried, in this order, when no target is given. */
export const TARGET_NAMES = ['target', 'default', 'label', 'is_fraud', 'bad'];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ID_LIKE = /^(id|uuid|guid|key)$|_id$|^id_/i;

/** Running mean, M2 and M3 (Welford / Terriberry): stable for large offsets, one pass. */
class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  m3 = 0;

  add(x: number): void {
    const n1 = this.n;
    this.n++;
    const delta = x - this.mean;
    const dn = delta / this.n;
    const term1 = delta * dn * n1;
    this.mean += dn;
    this.m3 += term1 * dn * (this.n - 2) - 3 * dn * this.m2;
    this.m2 += term1;
  }

  get std(): number {
    return this.n > 0 ? Math.sqrt(this.m2 / this.n) : 0;
  }

  get skew(): number {
    return this.m2 > 0 ? (Math.sqrt(this.n) * this.m3) / Math.pow(this.m2, 1.5) : 0;
  }
}

class ColumnProfile {
  present = 0;
  missing = 0;
  nonNumeric = 0;
  firstNonNumeric?: { row: number; text: string };
  min = Infinity;
  readonly raw = new Moments();
  /** log1p of the values, while every value is >= 0. */
  readonly logged = new Moments();
  /** Value counts, dropped once there are more than the category limit. */
  counts: Map<string, number> | undefined = new Map();
  ones = 0;
  notBinary = 0;
  firstNotBinary?: { row: number; text: string };

  constructor(
    readonly name: string,
    private readonly maxCategories: number,
  ) {}

  add(text: string, row: number): void {
    if (text === '1') this.ones++;
    else if (text !== '0') {
      this.notBinary++;
      this.firstNotBinary ??= { row, text };
    }
    if (isMissingCell(text)) {
      this.missing++;
      return;
    }
    this.present++;
    if (this.counts) {
      this.counts.set(text, (this.counts.get(text) ?? 0) + 1);
      if (this.counts.size > this.maxCategories) this.counts = undefined;
    }
    const x = parseNumericCell(text);
    if (x === undefined) {
      this.nonNumeric++;
      this.firstNonNumeric ??= { row, text };
      return;
    }
    this.raw.add(x);
    if (x < this.min) this.min = x;
    if (this.min >= 0) this.logged.add(Math.log1p(x));
  }
}

export interface InferredColumn {
  name: string;
  /** What the column became, or why it was left out. */
  role: 'target' | 'numeric' | 'categorical' | 'skipped';
  note: string;
  missing: number;
}

export interface SchemaInference {
  schema: DataSchema;
  rows: number;
  columns: InferredColumn[];
  positiveRate: number;
  /** Rows left out of the profile because their field count differs from the header's. */
  badRows: { count: number; first?: number };
}

export class SchemaInferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaInferenceError';
  }
}

const round4 = (x: number) => Number(x.toPrecision(4));

/**
 * Streams a CSV and proposes a plan schema: numeric when every present value is a
 * number (log1p suggested for non-negative, strongly right-skewed columns; center
 * and scale from this file's mean and standard deviation, or `standardize:
 * federated`), categorical otherwise with the vocabulary by frequency, a missing
 * policy where cells are missing (numeric: mean, categorical: category). Columns
 * that look like identifiers, are constant, have too many categories or names a
 * plan cannot hold are left out with a note, as are `exclude`d ones. The target must hold only 0 and 1
 * unless `positive` lists the values that mean 1.
 */
export async function inferSchemaFromCsv(
  file: string,
  o: { target?: string; maxCategories?: number; federated?: boolean; positive?: string[]; exclude?: string[] } = {},
): Promise<SchemaInference> {
  const maxCategories = o.maxCategories ?? 50;
  let header: string[] | undefined;
  let profiles: ColumnProfile[] = [];
  let rows = 0;
  const badRows: SchemaInference['badRows'] = { count: 0 };
  for await (const { row, fields } of csvRecords(file)) {
    if (!header) {
      header = fields;
      profiles = fields.map((name) => new ColumnProfile(name, maxCategories));
      continue;
    }
    if (fields.length !== header.length) {
      badRows.count++;
      badRows.first ??= row;
      continue;
    }
    rows++;
    for (let i = 0; i < fields.length; i++) profiles[i].add(fields[i], row);
  }
  if (!header) throw new SchemaInferenceError(`${file} is empty (no header)`);
  if (rows === 0) throw new SchemaInferenceError(`${file} has a header but no data rows`);
  if (new Set(header).size !== header.length)
    throw new SchemaInferenceError(`${file}: the header names a column more than once`);

  const targetName =
    o.target ?? TARGET_NAMES.map((t) => header!.find((h) => h.toLowerCase() === t)).find((h) => h !== undefined);
  if (!targetName)
    throw new SchemaInferenceError(
      `no target column found (looked for ${TARGET_NAMES.join(', ')}); name it with --target`,
    );
  const target = profiles.find((p) => p.name === targetName);
  if (!target)
    throw new SchemaInferenceError(`--target ${targetName}: no such column (the file has: ${header.join(', ')})`);
  let ones = target.ones;
  if (o.positive) {
    const positive = new Set(o.positive.map((v) => v.toLowerCase()));
    if (target.missing > 0)
      throw new SchemaInferenceError(`target column ${targetName}: ${target.missing} rows have no label`);
    ones = target.counts
      ? [...target.counts].reduce((n, [v, c]) => n + (positive.has(v.toLowerCase()) ? c : 0), 0)
      : NaN;
  } else if (target.notBinary > 0) {
    const first = target.firstNotBinary!;
    const seen = target.counts ? ` (values: ${[...target.counts.keys()].slice(0, 10).join(', ')})` : '';
    throw new SchemaInferenceError(
      `target column ${targetName} must hold only 0 and 1, or name the values that mean 1 with --positive${seen}: row ${first.row} has ${JSON.stringify(first.text)}` +
        (target.notBinary > 1 ? ` (and ${target.notBinary - 1} more rows)` : ''),
    );
  }
  const excluded = new Set(o.exclude ?? []);
  const unknown = [...excluded].filter((c) => !header!.includes(c));
  if (unknown.length)
    throw new SchemaInferenceError(`--exclude names columns the file does not have: ${unknown.join(', ')}`);

  const columns: InferredColumn[] = [];
  const features: DataSchema['features'] = [];
  for (const p of profiles) {
    const skip = (note: string) => columns.push({ name: p.name, role: 'skipped', note, missing: p.missing });
    if (p === target) {
      const note = o.positive ? `target (1 = ${o.positive.join(', ')})` : 'target (0/1)';
      columns.push({ name: p.name, role: 'target', note, missing: 0 });
      continue;
    }
    if (excluded.has(p.name)) {
      columns.push({ name: p.name, role: 'skipped', note: 'excluded', missing: p.missing });
      continue;
    }
    if (!IDENTIFIER.test(p.name))
      skip('its name is not a valid feature name (letters, digits, _ . - ; rename the column to use it)');
    else if (ID_LIKE.test(p.name)) skip('looks like an identifier');
    else if (p.present === 0) skip('every value is missing');
    else if (p.nonNumeric === 0) {
      if (p.raw.std === 0) {
        skip(`constant (${p.raw.mean})`);
        continue;
      }
      const log1p =
        p.min >= 0 && p.logged.n === p.raw.n && p.raw.skew > 2 && Math.abs(p.logged.skew) < Math.abs(p.raw.skew);
      const m = log1p ? p.logged : p.raw;
      const missing = p.missing > 0 ? ('mean' as const) : ('error' as const);
      features.push({
        name: p.name,
        type: 'numeric',
        ...(o.federated
          ? { standardize: 'federated' as const, center: 0, scale: 1 }
          : { standardize: 'fixed' as const, center: round4(m.mean), scale: round4(m.std) || 1 }),
        log1p,
        missing,
      });
      const notes = [
        log1p ? `log1p (skew ${p.raw.skew.toFixed(1)})` : '',
        p.missing ? `${p.missing} missing -> missing: mean` : '',
      ].filter(Boolean);
      columns.push({ name: p.name, role: 'numeric', note: notes.join(', '), missing: p.missing });
    } else if (!p.counts) {
      const example = p.firstNonNumeric!;
      skip(
        `more than ${maxCategories} distinct values and not numeric (row ${example.row}: ${JSON.stringify(example.text)}); raise --max-categories to keep it`,
      );
    } else if (p.counts.size === 1 && p.missing === 0) {
      skip(`constant (${JSON.stringify([...p.counts.keys()][0])})`);
    } else {
      const vocabulary = [...p.counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([v]) => v);
      features.push({ name: p.name, type: 'categorical', vocabulary, missing: p.missing > 0 ? 'category' : 'error' });
      const notes = [
        `${vocabulary.length} values`,
        p.missing ? `${p.missing} missing -> missing: category` : '',
      ].filter(Boolean);
      columns.push({ name: p.name, role: 'categorical', note: notes.join(', '), missing: p.missing });
    }
  }
  if (!features.length) throw new SchemaInferenceError(`no usable feature columns besides the target ${targetName}`);
  const checked = dataSchemaSchema.safeParse({
    features,
    target: { name: targetName, ...(o.positive ? { positive: o.positive } : {}) },
    ...(excluded.size ? { exclude: [...excluded] } : {}),
  });
  if (!checked.success)
    throw new SchemaInferenceError(
      `the proposed schema is invalid: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { schema: checked.data, rows, columns, positiveRate: ones / rows, badRows };
}

/** The schema as a plan carries it, without the defaults, so the proposal reads like something a person wrote. */
export function compactSchema(schema: DataSchema): Record<string, unknown> {
  return {
    features: schema.features.map((f) => {
      if (f.type === 'categorical')
        return {
          name: f.name,
          type: f.type,
          vocabulary: f.vocabulary,
          ...(f.missing !== 'error' ? { missing: f.missing } : {}),
        };
      return {
        name: f.name,
        type: f.type,
        ...(f.standardize === 'federated' ? { standardize: f.standardize } : { center: f.center, scale: f.scale }),
        ...(f.log1p ? { log1p: true } : {}),
        ...(f.missing !== 'error' ? { missing: f.missing } : {}),
      };
    }),
    target: schema.target.positive ? { column: schema.target.name, positive: schema.target.positive } : schema.target,
    ...(schema.exclude?.length ? { exclude: schema.exclude } : {}),
    ...(schema.unknownCategory !== OTHER_CATEGORY ? { unknownCategory: schema.unknownCategory } : {}),
  };
}
