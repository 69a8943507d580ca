import {
  emptyColumnTally,
  labelReader,
  tallyPresentCell,
  type BuildingTally,
  type ColumnTally,
  type TargetSpec,
} from '@syndicate/protocol';
import { isMissingCell, parseNumericCell } from './cell-values';
import { csvRecords, headerProblems } from './csv-records';
import { DataValidationError, ProblemList } from './data-errors';

/** One bank's view of its file for a schema collection: it stays on this machine; only encrypted tallies leave. */
export interface LocalTallies {
  /** Header columns minus the target and excluded ones: the columns this bank offers as features. */
  columns: string[];
  tallies: Map<string, ColumnTally>;
  rows: number;
  positives: number;
}

function add(t: BuildingTally, text: string, maxCategories: number): void {
  if (isMissingCell(text)) t.missing++;
  else tallyPresentCell(t, text, parseNumericCell(text), maxCategories);
}

/**
 * Streams the bank's CSV and tallies every column but the target and the excluded ones: counts of
 * present, missing, non-numeric, negative and non-0/1 cells, sums of powers of the values and their
 * log1p, and value counts up to `maxCategories` values. Labels are checked against the target mapping,
 * so a file the proposed plan would refuse for its labels is caught now.
 */
export async function tallyCsv(
  file: string,
  o: { target: TargetSpec; exclude?: string[]; maxCategories: number },
): Promise<LocalTallies> {
  const label = labelReader(o.target);
  const problems = new ProblemList();
  let header: string[] | undefined;
  let tallies: BuildingTally[] = [];
  let targetAt = -1;
  let rows = 0;
  let positives = 0;
  for await (const { row, fields } of csvRecords(file)) {
    if (!header) {
      header = fields;
      // Every other column is a candidate feature: only the target can be missing.
      const bad = headerProblems(fields, [o.target.name], fields);
      if (bad.length) throw new DataValidationError(file, bad);
      if (new Set(fields).size !== fields.length)
        throw new DataValidationError(file, ['row 1: the header names a column more than once']);
      targetAt = fields.indexOf(o.target.name);
      tallies = fields.map(emptyColumnTally);
      continue;
    }
    if (fields.length !== header.length) {
      problems.add(`row ${row}: has ${fields.length} fields, the header has ${header.length}`);
      continue;
    }
    const y = label(fields[targetAt]);
    if (typeof y === 'string') {
      problems.add(`row ${row}, ${y}`);
      continue;
    }
    rows++;
    positives += y;
    for (let i = 0; i < fields.length; i++) if (i !== targetAt) add(tallies[i], fields[i], o.maxCategories);
  }
  problems.throwIfAny(file);
  if (!header) throw new DataValidationError(file, ['row 1: the file is empty (no header)']);
  if (rows === 0) throw new DataValidationError(file, ['row 2: the file has a header but no data rows']);
  const excluded = new Set(o.exclude ?? []);
  const columns = header.filter((c) => c !== o.target.name && !excluded.has(c));
  return { columns, tallies: new Map(columns.map((c) => [c, tallies[header!.indexOf(c)]])), rows, positives };
}
