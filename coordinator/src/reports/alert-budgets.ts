import type { FederatedMetrics } from '@syndicate/protocol';
import { escapeHtml as esc } from './escape-html';
import { fixed, integer, MISSING, percent } from './number-format';

function table(head: string[], rows: string[][]): string {
  return (
    `<div class="table-wrap"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`
  );
}

/**
 * The figures a fraud team runs on: how many frauds are caught within the alert
 * budget it can staff, and how clean its first alerts are. Averages such as AUC
 * hide exactly this corner of the curve when positives are rare.
 */
export function alertBudgetSection(m: FederatedMetrics | null, rowsLabel: string): string {
  // Evaluations stored before fraud metrics existed have none: say nothing rather than print dashes.
  if (!m?.fraud) return '';
  const recall = m.fraud.recallAtFpr.map((r) => {
    const fits = Number.isFinite(r.recall) && r.threshold < 1;
    return [
      percent(r.maxFpr, 1),
      percent(r.recall, 1),
      fits ? fixed(r.threshold, 4) : MISSING,
      fits ? percent(r.fpr, 2) : MISSING,
      fits ? integer(Math.round(r.fpr * (m.numExamples - m.positives))) : MISSING,
    ];
  });
  const precision = m.fraud.precisionAtTopK.map((p) => [integer(p.k), percent(p.precision, 1)]);
  const caption =
    `On the ${rowsLabel} (${integer(m.numExamples)} examples, ${integer(m.positives)} with target = 1). ` +
    'Recall at a false-positive budget: share of target = 1 cases flagged at the lowest score threshold whose ' +
    'false-positive rate stays within the budget (thresholds are histogram bin edges, so a figure is never above ' +
    'the exact one and at most one bin’s cases below it; "—" where no threshold fits). Precision at top k: share ' +
    'of target = 1 among the k highest scores (the bin holding the k-th counts pro rata; "—" with fewer than k ' +
    `examples). PR AUC (average precision) ${fixed(m.prAuc)}.`;
  return (
    `<h3>Alert budgets</h3><div class="charts">` +
    `<figure>${table(['False-positive budget', 'Recall', 'Threshold', 'FPR reached', 'False alerts'], recall)}</figure>` +
    `<figure>${table(['Top k alerts', 'Precision'], precision)}</figure>` +
    `</div><p class="caption">${esc(caption)}</p>`
  );
}
