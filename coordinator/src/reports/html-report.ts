import type { FederatedMetrics } from '@syndicate/protocol';
import { escapeHtml as esc } from './escape-html';
import { fixed, gapWords, integer, MISSING, percent, signed } from './number-format';
import { calibrationChart, ksChart, learningCurveChart, rocChart } from './report-charts';
import type { ReportData, ReportRound } from './report-data';
import { REPORT_CSS } from './report-styles';
import { fallingValidationWarning } from './curve-warnings';
import { alertBudgetSection } from './alert-budgets';

const PSI_NOTE = 'PSI rule of thumb: below 0.10 stable, 0.10–0.25 drifting, above 0.25 shifted.';

function isoTime(at: Date | string): string {
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime())
    ? String(at)
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

function kpi(label: string, value: string, sub = ''): string {
  return `<div class="kpi"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`;
}

function summary(data: ReportData): string {
  const m = data.final;
  const last = data.rounds.length ? data.rounds[data.rounds.length - 1] : undefined;
  const sel = data.selection;
  const served = sel?.championRound != null ? `champion (round ${sel.championRound}), test rows` : 'final model';
  const cards = [
    kpi('ROC AUC', fixed(m?.rocAuc), served),
    kpi('KS', fixed(m?.ks), m && Number.isFinite(m.ksThreshold) ? `at score ${fixed(m.ksThreshold)}` : ''),
    kpi('Gini', fixed(m?.gini), '2 × AUC − 1'),
    kpi('Brier score', fixed(m?.brier, 4), 'lower is better'),
    kpi(
      'Holdout examples',
      integer(m?.numExamples),
      m ? `${percent(m.numExamples ? m.positives / m.numExamples : NaN)} with target = 1` : '',
    ),
    kpi(
      'Rounds',
      integer(data.rounds.length),
      last ? `${integer(last.contributors)} contributor(s) in round ${last.number}` : '',
    ),
  ];
  const c = data.baselines?.centralized;
  if (c) {
    cards.push(
      kpi(
        'AUC vs. centralized',
        m ? gapWords(m.rocAuc - c.auc) : MISSING,
        `the global model's AUC against the pooled-data model's: AUC ${fixed(c.auc)}, KS ${fixed(c.ks)}${c.fit ? `; ${c.fit}` : ''}`,
      ),
    );
  }
  const b = data.benefit;
  if (b) {
    cards.push(
      kpi(
        'Banks better off',
        `${integer(b.improved)} of ${integer(b.banks)}`,
        `median AUC gain over local-only ${signed(b.medianAucGain)}`,
      ),
    );
  }
  return `<div class="kpis">${cards.join('')}</div>`;
}

function planFacts(data: ReportData): string {
  const p = data.plan;
  const rows: [string, string][] = [
    ['Training plan', p.name],
    ...(p.sha256 ? ([['Plan sha256', p.sha256]] as [string, string][]) : []),
    ...(p.description ? ([['Description', p.description]] as [string, string][]) : []),
    ['Model', p.model],
    ['Target', `${p.target} (the model predicts the probability that it is 1)`],
    [
      'Features',
      `${p.features.numeric} numeric, ${p.features.categorical} categorical (${p.features.inputColumns} input columns after encoding)`,
    ],
    ['Aggregation', p.aggregation],
    ['Local training', p.localTraining],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${k === 'Plan sha256' ? `<code>${esc(v)}</code>` : esc(v)}</dd>`).join('')}</dl>`;
}

function roundRow(r: ReportRound, isFinal: boolean, mark: string): string {
  const m = r.metrics;
  const cells = m
    ? [
        integer(m.numExamples),
        integer(m.positives),
        fixed(m.rocAuc),
        fixed(r.test?.rocAuc),
        fixed(m.ks),
        fixed(m.gini),
        fixed(m.prAuc),
        fixed(m.brier, 4),
        fixed(m.logLoss, 4),
        m.psi === null ? '—' : fixed(m.psi, 4),
        m.shift == null ? '—' : fixed(m.shift, 4),
      ].map((v) => `<td>${esc(v)}</td>`)
    : [`<td colspan="11" class="muted" style="text-align:left">not evaluated</td>`];
  return `<tr${isFinal ? ' class="final"' : ''}><td>${esc(r.number)}${isFinal ? ` (${mark})` : ''}</td><td>${esc(integer(r.contributors))}</td>${cells.join('')}</tr>`;
}

function roundsTable(data: ReportData): string {
  if (data.rounds.length === 0) return '<p class="muted">No round has completed yet.</p>';
  const championRound = data.selection?.championRound;
  const finalRound =
    championRound != null
      ? data.rounds.find((r) => r.number === championRound)
      : [...data.rounds].reverse().find((r) => r.metrics && r.metrics === data.final);
  const mark = championRound != null ? 'champion' : 'final';
  const head = [
    'Round',
    'Contributors',
    'Validation examples',
    'Target = 1',
    'Validation AUC',
    'Test AUC',
    'KS',
    'Gini',
    'PR AUC',
    'Brier',
    'Log loss',
    'PSI vs champion',
    'Shift',
  ];
  return (
    `<div class="table-wrap"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${data.rounds.map((r) => roundRow(r, r === finalRound, mark)).join('')}</tbody></table></div>` +
    `<p class="caption">${esc(`Each row is the global model after that round, scored on every contributing member's validation rows (the figures that choose the champion) and, for Test AUC, its test rows (they only report). PSI compares the round's validation score distribution with the champion's, recorded when it was promoted ("—" before there is one); Shift compares it with the previous version's, on the same rows. ${PSI_NOTE}`)}</p>`
  );
}

function calibrationTable(m: FederatedMetrics): string {
  const rows = m.calibration.map((b) => {
    const empty = b.count === 0 || !Number.isFinite(b.observedRate);
    const cells = [
      `${fixed(b.from, 1)} – ${fixed(b.to, 1)}`,
      integer(b.count),
      empty ? MISSING : fixed(b.meanPredicted),
      empty ? MISSING : fixed(b.observedRate),
      empty ? MISSING : signed(b.observedRate - b.meanPredicted),
    ];
    return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  });
  const head = ['Score bucket', 'Examples', 'Mean predicted', 'Observed rate', 'Observed − predicted'];
  return `<div class="table-wrap"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function finalModel(m: FederatedMetrics | null): string {
  if (!m) return '<p class="muted">The final model has not been evaluated yet, so there are no curves to show.</p>';
  if (m.roc.length === 0) {
    return `<p class="muted">${esc(`The holdouts held only one class (${integer(m.positives)} of ${integer(m.numExamples)} with target = 1), so ROC, KS and Gini are undefined.`)}</p>`;
  }
  return (
    `<div class="charts">` +
    `<figure>${rocChart(m)}<figcaption class="caption">ROC: share of target = 1 cases caught against share of target = 0 cases flagged, as the score threshold falls from 1 to 0. The dashed diagonal is a random ranking.</figcaption></figure>` +
    `<figure>${ksChart(m)}<figcaption class="caption">Share of each class scoring below each threshold, read off the ROC points (1 − TPR and 1 − FPR). KS is the widest vertical gap between the two curves.</figcaption></figure>` +
    `<figure>${calibrationChart(m)}<figcaption class="caption">Each dot is one of ${m.calibration.length} equal-width score buckets (area ∝ examples). Dots on the diagonal mean predicted probabilities match observed rates.</figcaption></figure>` +
    `<figure><h3>Calibration table</h3>${calibrationTable(m)}<p class="caption">${esc(`Log loss ${fixed(m.logLoss, 4)}, Brier ${fixed(m.brier, 4)}, PR AUC ${fixed(m.prAuc)} on ${integer(m.numExamples)} holdout examples.`)}</p></figure>` +
    `</div>`
  );
}

function curveCaption(data: ReportData): string {
  const pooled = data.baselines?.centralized ? '; thin dotted lines: the same model fitted on pooled data' : '';
  return `AUC and KS of the global model after each round on the validation rows (blue, orange) and the test rows (green, pink, dotted)${pooled}; the grey vertical line marks the round whose model is the champion.`;
}

/** How the served model was chosen, in a sentence a reviewer can check against the curves. */
function selectionText(data: ReportData): string {
  const s = data.selection;
  if (!s) return '';
  const metric = s.metric.replace('_', ' ').toUpperCase();
  const chosen =
    s.championRound === null
      ? 'No version has a validation figure yet, so the newest model serves.'
      : `The champion is round ${s.championRound}'s model: a version replaces the champion only when its federated validation ${metric} beats the champion's by more than ${s.promotionMargin}.`;
  const stop = s.stopped
    ? ` Training stopped early: validation ${metric} did not improve for ${s.patience} evaluated rounds.`
    : '';
  return `<p>${esc(chosen + stop)}</p>`;
}

/** Pure: "10 000" and "0.0001", as a reviewer reads them. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** The method section, from the bins the evaluations used: the precision claim must match them. */
export function methodText(bins: number[]): string {
  const used = [...new Set(bins)].sort((a, b) => a - b);
  const count = used.length
    ? used.length === 1
      ? `${grouped(used[0])} equal-width bins`
      : `${grouped(used[0])} to ${grouped(used[used.length - 1])} equal-width bins (the plan changed between rounds)`
    : 'equal-width bins';
  const width = used.length ? String(Number((1 / used[0]).toPrecision(2))) : '1/bins';
  return `
<section><h3>Where the figures come from</h3>
<p>Each bank's holdout is split, by the plan's seed, into validation rows (they choose the champion and decide early
stopping) and test rows (they only report, so the reported figures are not the ones that chose the model).
After each round every contributing bank scores both parts with the new global model and bins the scores into
${count} per class (target = 0 and target = 1), plus the sums of squared error and log loss. These
histograms are encrypted at the bank (BFV homomorphic encryption) and added together as ciphertexts; only the
consortium-wide sum is ever decrypted. Every metric in this report is computed from that summed histogram.</p></section>
<section><h3>What nobody sees</h3>
<p>No bank's individual scores, labels, holdout size or per-bank metrics reach the coordinator or the other members: the
coordinator holds only ciphertexts it cannot decrypt, and the decrypted sum mixes all contributors. The report therefore
cannot show per-bank performance; a bank compares the global model with its own local model on its own premises.</p></section>
<section><h3>Precision of binned metrics</h3>
<p>Scores within one bin (width ${width}) count as tied, so AUC is the Mann-Whitney statistic of the binned scores and AUC,
KS and PR AUC are within about ${width} of their exact values. Brier score and log loss are exact sums (probabilities clipped
to [1e-7, 1 − 1e-7] for log loss). The ROC curve is downsampled to at most 200 points.</p></section>
<section><h3>Definitions</h3>
<p><b>AUC</b>: probability that a random target = 1 case scores above a random target = 0 case. <b>Gini</b> = 2·AUC − 1.
<b>KS</b>: largest difference between the two classes' cumulative score distributions, with the threshold where it occurs.
<b>PR AUC</b>: average precision. <b>Brier</b>: mean squared error of the probability. <b>PSI</b>: population stability
index of the round's score distribution against the champion's (recorded when it was promoted), over the reference's
score deciles; <b>Shift</b>: the same index against the previous version, i.e. how much one round moved the scores.</p></section>
<section><h3>How to read this</h3>
<p>The learning curves should rise and flatten; a fall in AUC or KS, or a PSI above 0.25, between rounds deserves a
look at whether the number of contributors changed (the table's contributors column counts them; the audit log's
round entries name who joined or left). Calibration matters wherever the score is used as a
probability (pricing, provisioning): buckets far from the diagonal call for recalibration before such use. All figures
describe the members' holdouts pooled, not any single bank's portfolio.</p></section>`;
}

/** One self-contained HTML page (inline CSS and SVG, no scripts or external resources) for a model-risk reviewer. */
export function renderHtmlReport(data: ReportData): string {
  const title = `${data.federationName}: federated model report`;
  const generated = isoTime(data.generatedAt);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="muted">${esc(`Training plan ${data.plan.name} · ${data.rounds.length} round(s) · generated ${generated}`)}</p>
</header>
<h2>Summary</h2>
${summary(data)}
<div class="notice">${esc('All metrics are computed from encrypted, summed score histograms of the members’ holdouts: no bank’s individual figures are visible to the consortium.')}</div>
<h2>Model and plan</h2>
${planFacts(data)}
<h2>Learning curves</h2>
<figure class="wide">${data.rounds.some((r) => r.metrics) ? learningCurveChart(data.rounds, data.baselines, data.selection?.championRound) : '<p class="muted">No round has been evaluated yet.</p>'}
<figcaption class="caption">${esc(curveCaption(data))}</figcaption></figure>
${fallingValidationWarning(data.rounds) ? `<div class="notice">${esc(`Warning: ${fallingValidationWarning(data.rounds)}`)}</div>` : ''}
${selectionText(data)}
<h2>${data.selection?.championRound != null ? 'Champion model (test rows)' : 'Final model'}</h2>
${finalModel(data.final)}
${alertBudgetSection(data.final, `${data.selection?.championRound != null ? 'champion' : 'final model'}'s ${data.finalRows ?? 'holdout'} rows`)}
<h2>Metrics per round</h2>
${roundsTable(data)}
<h2>Method and how to read this report</h2>
<div class="method">${methodText(data.bins ?? (data.plan.evaluationBins ? [data.plan.evaluationBins] : []))}</div>
<footer>${esc(`Generated by Syndicate on ${generated}. This page is self-contained: it loads no scripts, fonts or other files.`)}</footer>
</main>
</body>
</html>
`;
}
