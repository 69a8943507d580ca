import { describeFit } from './baseline-fit';
import { CLEAR_WIN_RESAMPLES } from './clear-win';
import type { ExactMetrics } from '@syndicate/protocol';
import type { BenefitReport } from './benefit-report';
import type { CentralizedBaseline, MetricSummary } from './centralized-baseline';

const value = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : 'n/a');

/** Numbers right-aligned; the columns in `text` left-aligned. */
function table(header: string[], rows: string[][], text = [0]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (text.includes(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('   ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const METRICS: {
  label: string;
  key: keyof ExactMetrics & ('rocAuc' | 'ks' | 'gini' | 'brier' | 'prAuc');
  note?: string;
}[] = [
  { label: 'AUC', key: 'rocAuc' },
  { label: 'KS', key: 'ks' },
  { label: 'Gini', key: 'gini' },
  { label: 'Brier', key: 'brier', note: 'lower is better' },
  { label: 'PR AUC', key: 'prAuc' },
];

const CHOICE_LABEL = { global: 'global', local_only: 'local-only', fine_tuned: 'fine-tuned', blend: 'blend' } as const;

/** Local-only vs global vs this bank's chosen model, one metric a line, with gains over local-only. */
export function formatBenefitTable(r: BenefitReport): string {
  const rows = METRICS.map((m) => [
    m.label,
    value(r.local_only[m.key]),
    value(r.global[m.key]),
    value(r.personalized[m.key]),
    signed(r.global[m.key] - r.local_only[m.key]),
    signed(r.personalized[m.key] - r.local_only[m.key]),
    m.note ?? '',
  ]);
  const out = table(
    ['metric', 'local-only', 'global', 'personalized', 'global gain', 'personalized gain', 'note'],
    rows,
    [0, 6],
  );
  const c = r.choice;
  const figures = (Object.keys(CHOICE_LABEL) as (keyof typeof CHOICE_LABEL)[])
    .map((k) => `${CHOICE_LABEL[k]} ${c.validation[k] === null ? 'n/a' : c.validation[k]!.toFixed(4)}`)
    .join(', ');
  const shares = (Object.keys(CHOICE_LABEL) as (keyof typeof CHOICE_LABEL)[])
    .filter((k) => k !== 'local_only')
    .map((k) => `${CHOICE_LABEL[k]} ${c.winShare?.[k] == null ? 'n/a' : c.winShare[k]!.toFixed(2)}`)
    .join(', ');
  const how =
    c.model === 'blend'
      ? ` (${c.alpha.toFixed(2)} x global + ${(1 - c.alpha).toFixed(2)} x local-only scores)`
      : c.model === 'fine_tuned'
        ? ` (the global model fine-tuned here for ${c.fineTune.bestRound} round(s))`
        : '';
  const chosen =
    (c.model === 'local_only'
      ? `personalized = local-only: no other model beat it clearly on the ${r.validationExamples} validation rows by ${c.metric}\n`
      : `personalized = ${CHOICE_LABEL[c.model]}${how}: it beat local-only clearly on the ${r.validationExamples} validation rows by ${c.metric}\n`) +
    `  (validation ${c.metric}: ${figures}; share of ${CLEAR_WIN_RESAMPLES} bootstrap resamples won against local-only: ${shares});\n` +
    `  this is the model this bank should use\n`;
  const missing = r.testPositives === 0 || r.testPositives === r.testExamples;
  return `${out}${missing ? '(the test rows have only one class: AUC, KS and Gini are undefined)\n' : ''}\n${chosen}`;
}

const summaryRow = (label: string, m: MetricSummary, local?: MetricSummary) => [
  label,
  String(m.holdoutExamples),
  value(m.auc),
  value(m.ks),
  value(m.gini),
  value(m.brier),
  local ? value(local.auc) : '',
  local ? value(local.ks) : '',
  local ? signed(m.auc - local.auc) : '',
];

/** The pooled model per bank's holdout (and each bank's own model, when trained). */
export function formatBaselineTable(b: CentralizedBaseline): string {
  const withLocal = Object.values(b.banks).some((x) => x.local_only);
  const header = [
    'test rows of',
    'rows',
    'AUC',
    'KS',
    'Gini',
    'Brier',
    ...(withLocal ? ['local AUC', 'local KS', 'AUC gain'] : []),
  ];
  const rows = [
    ...Object.entries(b.banks).map(([name, x]) => summaryRow(name, x, x.local_only)),
    summaryRow('pooled', b.centralized),
  ];
  const fits = [
    `pooled: ${describeFit(b.centralized.fit)}`,
    ...Object.entries(b.banks).flatMap(([name, x]) =>
      x.local_only ? [`${name} alone: ${describeFit(x.local_only.fit)}`] : [],
    ),
  ];
  return `${table(
    header,
    rows.map((r) => r.slice(0, header.length)),
  )}\n${fits.join('\n')}\n`;
}
