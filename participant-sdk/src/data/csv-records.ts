import * as fs from 'fs';
import { parse } from 'csv-parse';
import { DataValidationError } from './data-errors';

/** One CSV record; `row` is the row a spreadsheet shows it on (header = row 1, blank lines count). */
export interface CsvRecord {
  row: number;
  fields: string[];
}

interface ParseInfo {
  records: number;
  empty_lines: number;
}

/**
 * Streams an RFC 4180 CSV (quoted fields, embedded commas, quotes and newlines,
 * CRLF, UTF-8 BOM) record by record, header first, in constant memory. Blank lines
 * are skipped but still counted, and a quoted field spanning lines stays one row,
 * so `row` matches what the bank sees when it opens the file. A syntax error
 * (e.g. an unclosed quote) throws DataValidationError naming its row.
 */
export async function* csvRecords(file: string): AsyncGenerator<CsvRecord> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    stream = fs.createReadStream(file);
  } catch (err) {
    throw new Error(
      `data file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const parser = stream.pipe(
    parse({ info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: ParseInfo }>) {
      yield { row: rec.info.records + rec.info.empty_lines, fields: rec.record };
    }
  } catch (err) {
    const e = err as Error & Partial<ParseInfo>;
    const row = e.records !== undefined ? e.records + (e.empty_lines ?? 0) + 1 : undefined;
    // csv-parse names the physical line; the row is what a spreadsheet user looks for.
    throw new DataValidationError(file, [`row ${row ?? '?'}: not valid CSV: ${e.message}`]);
  } finally {
    stream.destroy();
  }
}

/**
 * Problems with a header for the columns a reader needs, each naming row 1 and each column once:
 * one line per missing or repeated column, then (only when some are missing) one line listing the
 * header's columns the plan neither uses nor excludes, the likely renamed ones.
 */
export function headerProblems(header: string[], needed: string[], excluded: readonly string[] = []): string[] {
  const problems: string[] = [];
  const present = new Set(header);
  const missing = needed.filter((c) => !present.has(c));
  for (const c of missing) problems.push(`row 1, column ${c}: missing from the header`);
  for (const c of needed)
    if (present.has(c) && header.indexOf(c) !== header.lastIndexOf(c))
      problems.push(`row 1, column ${c}: appears more than once in the header`);
  if (missing.length) {
    const known = new Set([...needed, ...excluded]);
    const extra = [...new Set(header.filter((c) => !known.has(c)))];
    if (extra.length)
      problems.push(
        `row 1: the header has ${extra.length} column${extra.length === 1 ? '' : 's'} the plan neither uses nor excludes: ${extra.join(', ')}`,
      );
  }
  return problems;
}
