import * as fs from 'fs';
import { parse } from 'csv-parse';
import type { DataSchema } from '@syndicate/protocol';
import { DataValidationError } from './data-errors';
import { rowEncoder } from './encode-row';

/** A bank's encoded data: row-major features [rows, inputDim] and 0/1 labels. */
export interface Dataset {
  features: Float32Array;
  labels: Float32Array;
  rows: number;
  inputDim: number;
}

const MAX_REPORTED_PROBLEMS = 50;

/**
 * Streams a CSV with a header row and validates every row against the schema.
 * All problems (up to 50) are reported at once so a bank fixes its extract in
 * one pass. Extra columns are ignored: banks' extracts carry ids and dates.
 */
export async function loadCsvDataset(file: string, schema: DataSchema): Promise<Dataset> {
  if (!fs.existsSync(file)) throw new Error(`data file ${file} does not exist`);
  const { inputDim, encode } = rowEncoder(schema);
  let features = new Float32Array(inputDim * 1024);
  let labels = new Float32Array(1024);
  let rows = 0;
  const problems: string[] = [];
  const parser = fs.createReadStream(file).pipe(
    parse({ columns: true, info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }),
  );
  let headerChecked = false;
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (!headerChecked) {
        headerChecked = true;
        const present = new Set(Object.keys(rec.record));
        const missing = [...schema.features.map((f) => f.name), schema.target.name].filter((c) => !present.has(c));
        if (missing.length) {
          throw new DataValidationError(
            file,
            missing.map((c) => `row 1, column ${c}: missing from the header (the file has: ${[...present].join(', ')})`),
            false,
          );
        }
      }
      if ((rows + 1) * inputDim > features.length) {
        const grown = new Float32Array(features.length * 2);
        grown.set(features);
        features = grown;
        const grownLabels = new Float32Array(labels.length * 2);
        grownLabels.set(labels);
        labels = grownLabels;
      }
      const r = encode(rec.record, features, rows * inputDim);
      if (r.ok) {
        labels[rows] = r.label;
        rows++;
      } else {
        for (const p of r.problems) problems.push(`row ${rec.info.lines}, ${p}`);
        if (problems.length >= MAX_REPORTED_PROBLEMS) throw new DataValidationError(file, problems.slice(0, MAX_REPORTED_PROBLEMS), true);
      }
    }
  } catch (err) {
    if (err instanceof DataValidationError) throw err;
    const e = err as Error & { lines?: number; code?: string };
    throw new DataValidationError(file, [`row ${e.lines ?? '?'}: ${e.message}`], false);
  }
  if (problems.length) throw new DataValidationError(file, problems, false);
  if (!headerChecked) throw new DataValidationError(file, ['row 1: the file has no header or no data rows'], false);
  return { features: features.slice(0, rows * inputDim), labels: labels.slice(0, rows), rows, inputDim };
}
