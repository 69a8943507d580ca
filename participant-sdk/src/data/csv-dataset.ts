import type { DataSchema } from '@syndicate/protocol';
import { behaviourColumns, type DerivedColumns } from './behaviour-columns';
import { csvRecords, headerProblems } from './csv-records';
import { DataValidationError, ProblemList } from './data-errors';
import { rowEncoder, type CsvRow } from './encode-row';

/** A bank's encoded data: row-major features [rows, inputDim] and 0/1 labels. */
export interface Dataset {
  features: Float32Array;
  labels: Float32Array;
  rows: number;
  inputDim: number;
}

/**
 * Streams a CSV with a header row and validates every row against the schema,
 * handing each valid row (encoded into a scratch buffer the callee must copy
 * from, and as raw cells) to `onRow`. Every problem is counted and the first 50
 * are listed, so a bank fixes its extract in one pass; any problem refuses the
 * whole file. Extra columns are ignored: banks' extracts carry ids and dates.
 */
export async function scanCsvAgainstSchema(
  file: string,
  schema: DataSchema,
  onRow: (encoded: Float32Array, label: number, row: CsvRow) => void,
): Promise<{ rows: number }> {
  const { inputDim, encode } = rowEncoder(schema);
  const scratch = new Float32Array(inputDim);
  const needed = [...schema.features.map((f) => f.name), schema.target.name];
  const problems = new ProblemList();
  let columns: { name: string; at: number }[] | undefined;
  let derived: DerivedColumns | undefined;
  let width = 0;
  let rows = 0;
  try {
    for await (const { row, fields } of csvRecords(file)) {
      if (!columns) {
        derived = behaviourColumns(fields, needed);
        const bad = headerProblems(fields, derived.read, schema.exclude);
        if (bad.length) throw new DataValidationError(file, bad);
        columns = derived.read.map((name) => ({ name, at: fields.indexOf(name) }));
        width = fields.length;
        continue;
      }
      if (fields.length !== width) {
        problems.add(`row ${row}: has ${fields.length} fields, the header has ${width}`);
        continue;
      }
      const record: Record<string, string> = {};
      for (const c of columns) record[c.name] = fields[c.at];
      const derivation = derived!.derive(record);
      if (derivation.length) {
        for (const p of derivation) problems.add(`row ${row}, ${p}`);
        continue;
      }
      const r = encode(record, scratch, 0);
      if (!r.ok) {
        for (const p of r.problems) problems.add(`row ${row}, ${p}`);
        continue;
      }
      if (problems.count === 0) onRow(scratch, r.label, record);
      rows++;
    }
  } catch (err) {
    // A syntax error after row problems: report both, the earlier ones first.
    if (err instanceof DataValidationError && problems.count > 0) {
      for (const p of err.problems) problems.add(p);
      throw problems.error(file);
    }
    throw err;
  }
  problems.throwIfAny(file);
  if (!columns) throw new DataValidationError(file, ['row 1: the file is empty (no header)']);
  if (rows === 0) throw new DataValidationError(file, ['row 2: the file has a header but no data rows']);
  return { rows };
}

/** Loads and encodes a bank's CSV; throws DataValidationError listing the problems if any row is bad. */
export async function loadCsvDataset(file: string, schema: DataSchema): Promise<Dataset> {
  const inputDim = rowEncoder(schema).inputDim;
  let features = new Float32Array(inputDim * 1024);
  let labels = new Float32Array(1024);
  let rows = 0;
  await scanCsvAgainstSchema(file, schema, (encoded, label) => {
    if (rows === labels.length) {
      const grown = new Float32Array(features.length * 2);
      grown.set(features);
      features = grown;
      const grownLabels = new Float32Array(labels.length * 2);
      grownLabels.set(labels);
      labels = grownLabels;
    }
    features.set(encoded, rows * inputDim);
    labels[rows] = label;
    rows++;
  });
  return { features: features.slice(0, rows * inputDim), labels: labels.slice(0, rows), rows, inputDim };
}
