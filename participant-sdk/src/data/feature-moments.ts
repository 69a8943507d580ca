import {
  emptyFeatureMoments,
  featureStatsFieldsNeeded,
  type DataSchema,
  type FeatureMoments,
  type NumericFeatureSpec,
  type TrainingPlan,
} from '@syndicate/protocol';
import { isMissingCell, parseNumericCell } from './cell-values';
import { scanCsvAgainstSchema } from './csv-dataset';
import type { CsvRow } from './encode-row';
import { holdoutMask } from './holdout-split';

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
 * Streams the CSV, validating every row against the schema like loadCsvDataset
 * (a bad file is refused here, before any statistics leave the bank), and
 * returns this member's moments over its training rows: the holdout is split
 * off exactly as the agent splits it, so scaling never sees the rows the model
 * is evaluated on. `rows` (the agent already counted them) saves a counting pass.
 */
export async function localFeatureMoments(
  file: string,
  schema: DataSchema,
  holdout: Pick<TrainingPlan['holdout'], 'fraction' | 'seed'>,
  rows?: number,
): Promise<FeatureMoments> {
  const total = rows ?? (await scanCsvAgainstSchema(file, schema, () => undefined)).rows;
  const held = holdoutMask(total, holdout.fraction, holdout.seed);
  const features = federatedFeatures(schema);
  const m = emptyFeatureMoments(features.length);
  let at = 0;
  const scanned = await scanCsvAgainstSchema(file, schema, (_encoded, _label, row) => {
    if (at < total && !held[at]) addRow(features, m, row);
    at++;
  });
  if (scanned.rows !== total)
    throw new Error(
      `${file} changed while it was read (${total} data rows, now ${scanned.rows}); restart the agent so its training and holdout rows agree`,
    );
  return m;
}
