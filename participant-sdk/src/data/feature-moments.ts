import { emptyFeatureMoments, featureStatsFieldsNeeded, type DataSchema, type FeatureMoments, type NumericFeatureSpec } from '@syndicate/protocol';
import { isMissingCell, parseNumericCell } from './cell-values';
import { scanCsvAgainstSchema } from './csv-dataset';
import type { CsvRow } from './encode-row';

function federatedFeatures(schema: DataSchema): NumericFeatureSpec[] {
  const names = new Set(featureStatsFieldsNeeded({ schema }).features);
  return schema.features.filter((f): f is NumericFeatureSpec => f.type === 'numeric' && names.has(f.name));
}

/**
 * This member's count, sum and sum of squares of each `standardize: federated`
 * feature, over raw values after log1p (missing cells skipped), from rows already
 * validated against the schema. Added across members they give the consortium
 * mean and variance (applyConsortiumStandardization).
 */
export function featureMomentsOfRows(schema: DataSchema, rows: Iterable<CsvRow>): FeatureMoments {
  const features = federatedFeatures(schema);
  const m = emptyFeatureMoments(features.length);
  for (const row of rows) addRow(features, m, row);
  return m;
}

function addRow(features: NumericFeatureSpec[], m: FeatureMoments, row: CsvRow): void {
  features.forEach((f, i) => {
    const text = row[f.name];
    if (isMissingCell(text)) return;
    const x = parseNumericCell(text ?? '');
    if (x === undefined) throw new Error(`column ${f.name}: ${JSON.stringify(text)} is not a number`);
    const v = f.log1p ? Math.log1p(x) : x;
    m.count[i] += 1;
    m.sum[i] += v;
    m.sumSquares[i] += v * v;
  });
}

/**
 * Streams the CSV once, validating every row against the schema like
 * loadCsvDataset (a bad file is refused here, before any statistics leave the
 * bank), and returns this member's moments over all its rows (holdout included).
 */
export async function localFeatureMoments(file: string, schema: DataSchema): Promise<FeatureMoments> {
  const features = federatedFeatures(schema);
  const m = emptyFeatureMoments(features.length);
  await scanCsvAgainstSchema(file, schema, (_encoded, _label, row) => addRow(features, m, row));
  return m;
}
