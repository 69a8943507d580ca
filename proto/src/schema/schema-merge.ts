import { OTHER_CATEGORY, type DataSchema, type FeatureSpec } from '../plan/training-plan';
import type { TargetSpec } from '../plan/target-label';
import type { SchemaIndex } from './category-tags';
import type { ConsortiumColumn } from './schema-sum';

export interface MergeOptions {
  /** Categories seen fewer times than this consortium-wide go to "__other__" (their names never enter the plan). */
  minCategoryCount: number;
  /** Most categories a column keeps; the rarer rest go to "__other__". */
  maxCategories: number;
  /** `federated`: center and scale computed in the first round (secure); `consortium`: written from these sums. */
  scaling: 'federated' | 'consortium';
  target: TargetSpec;
  exclude?: string[];
}

/** One column's outcome, for the member reviewing the proposal: no single bank's figures, only consortium ones. */
export interface MergedColumn {
  name: string;
  role: 'numeric' | 'categorical' | 'skipped';
  note: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ID_LIKE = /^(id|uuid|guid|key)$|_id$|^id_/i;

const round4 = (x: number) => Number(x.toPrecision(4));

/** Mean, standard deviation and skewness from a count and sums of powers (population moments). */
export function momentsOf(n: number, s1: number, s2: number, s3: number): { mean: number; std: number; skew: number } {
  if (n <= 0) return { mean: 0, std: 0, skew: 0 };
  const mean = s1 / n;
  const variance = Math.max(0, s2 / n - mean * mean);
  const std = Math.sqrt(variance);
  // Relative to the spread: below this the variance is rounding noise in s2/n - mean^2, not data.
  if (std <= 1e-9 * Math.max(1, Math.abs(mean))) return { mean, std: 0, skew: 0 };
  const m3 = s3 / n - 3 * mean * (s2 / n) + 2 * mean ** 3;
  return { mean, std, skew: m3 / std ** 3 };
}

/**
 * log1p is proposed once, from consortium figures: every value >= 0, the column is not 0/1, it is
 * strongly right-skewed (skew > 2) and log1p makes it less skewed.
 */
export function wantsLog1p(c: ConsortiumColumn): { log1p: boolean; skew: number } {
  const raw = momentsOf(c.n, c.sum, c.sumSq, c.sumCube);
  if (c.negative > 0 || c.notBinary === 0) return { log1p: false, skew: raw.skew };
  const logged = momentsOf(c.n, c.logSum, c.logSumSq, c.logSumCube);
  return { log1p: raw.skew > 2 && Math.abs(logged.skew) < Math.abs(raw.skew), skew: raw.skew };
}

function numericFeature(name: string, c: ConsortiumColumn, o: MergeOptions): { f?: FeatureSpec; note: string } {
  const raw = momentsOf(c.n, c.sum, c.sumSq, c.sumCube);
  if (raw.std === 0) return { note: `constant consortium-wide (${round4(raw.mean)})` };
  const { log1p, skew } = wantsLog1p(c);
  const m = log1p ? momentsOf(c.n, c.logSum, c.logSumSq, c.logSumCube) : raw;
  const missing = c.missing > 0 ? ('mean' as const) : ('error' as const);
  const f: FeatureSpec = {
    name,
    type: 'numeric',
    ...(o.scaling === 'federated'
      ? { standardize: 'federated' as const, center: 0, scale: 1 }
      : { standardize: 'fixed' as const, center: round4(m.mean), scale: round4(m.std) || 1 }),
    log1p,
    missing,
  };
  const notes = [
    c.notBinary === 0 ? '0/1 (never log1p)' : '',
    log1p ? `log1p (consortium skew ${skew.toFixed(1)})` : '',
    c.missing > 0 ? `${c.missing} missing consortium-wide -> missing: mean` : '',
  ];
  return { f, note: notes.filter(Boolean).join(', ') };
}

function categoricalFeature(
  name: string,
  c: ConsortiumColumn,
  tags: SchemaIndex['columns'][number]['tags'],
  o: MergeOptions,
): { f?: FeatureSpec; note: string } {
  const ranked = tags
    .map((t, i) => ({ name: t.name, count: c.tagCounts[i] }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const kept = ranked
    .filter((t) => t.count >= o.minCategoryCount && t.name !== OTHER_CATEGORY)
    .slice(0, o.maxCategories);
  const folded = ranked.length - kept.length;
  const otherRows = c.present - kept.reduce((n, t) => n + t.count, 0);
  const vocabulary = [...kept.map((t) => t.name), ...(otherRows > 0 ? [OTHER_CATEGORY] : [])];
  if (vocabulary.length + (c.missing > 0 ? 1 : 0) < 2)
    return { note: `constant consortium-wide${vocabulary[0] ? ` (${JSON.stringify(vocabulary[0])})` : ''}` };
  const f: FeatureSpec = {
    name,
    type: 'categorical',
    vocabulary,
    missing: c.missing > 0 ? 'category' : 'error',
  };
  const notes = [
    `${kept.length} values`,
    otherRows > 0 ? `${folded} rare value${folded === 1 ? '' : 's'} (${otherRows} rows) -> ${OTHER_CATEGORY}` : '',
    c.missing > 0 ? `${c.missing} missing consortium-wide -> missing: category` : '',
  ];
  return { f, note: notes.filter(Boolean).join(', ') };
}

/**
 * The consortium's proposed schema from the summed tallies: numeric where no bank has a non-number,
 * categorical otherwise; a column is dropped only when it is constant consortium-wide (one bank's
 * constant column is kept when others vary); missing-value policies from whether any bank has missing cells.
 */
export function mergeSchema(
  index: SchemaIndex,
  columns: readonly ConsortiumColumn[],
  o: MergeOptions,
): { schema: DataSchema; columns: MergedColumn[] } {
  const features: FeatureSpec[] = [];
  const merged: MergedColumn[] = index.notEverywhere
    .filter((name) => name !== o.target.name && !(o.exclude ?? []).includes(name))
    .map((name) => ({ name, role: 'skipped' as const, note: "not in every bank's file" }));
  index.columns.forEach((col, i) => {
    const c = columns[i];
    if (col.name === o.target.name || (o.exclude ?? []).includes(col.name)) return;
    let out: { f?: FeatureSpec; note: string };
    if (!IDENTIFIER.test(col.name)) out = { note: 'its name is not a valid feature name (letters, digits, _ . -)' };
    else if (ID_LIKE.test(col.name)) out = { note: 'looks like an identifier (list it in exclude)' };
    else if (c.present === 0) out = { note: 'every value is missing' };
    else if (c.nonNumeric === 0) out = numericFeature(col.name, c, o);
    else out = categoricalFeature(col.name, c, col.tags, o);
    if (out.f) features.push(out.f);
    merged.push({
      name: col.name,
      role: out.f ? (out.f.type as 'numeric' | 'categorical') : 'skipped',
      note: out.note,
    });
  });
  if (!features.length) throw new Error('no usable feature columns in the consortium schema');
  const schema: DataSchema = {
    features,
    target: o.target,
    ...(o.exclude?.length ? { exclude: o.exclude } : {}),
    unknownCategory: OTHER_CATEGORY,
  };
  return { schema, columns: merged };
}
