import {
  buildScoreHistogram,
  federatedMetrics,
  parseTrainingPlan,
  seededRandom,
  type FederatedMetrics,
} from '@syndicate/protocol';
import { methodText, renderHtmlReport } from './html-report';
import { reportPlanSummary, type ReportData } from './report-data';
import { classCdfs } from './report-charts';

/** Holdout scores of a model whose separation grows with `strength`, through the real histogram pipeline. */
function metricsFor(
  strength: number,
  seed: number,
  reference?: ReturnType<typeof buildScoreHistogram>,
): { m: FederatedMetrics; h: ReturnType<typeof buildScoreHistogram> } {
  const random = seededRandom(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const y = random() < 0.12 ? 1 : 0;
    const z = (random() + random() + random() - 1.5) * 2 + (y ? strength : -strength) - 1.6;
    scores.push(1 / (1 + Math.exp(-z)));
    labels.push(y);
  }
  const h = buildScoreHistogram(scores, labels);
  return { m: federatedMetrics(h, reference), h };
}

function sampleReportData(name = 'Nordic credit consortium'): ReportData {
  const plan = parseTrainingPlan({
    name: 'pd-model-2026',
    schema: {
      features: [
        { name: 'income', type: 'numeric', log1p: true },
        { name: 'segment', type: 'categorical', vocabulary: ['retail', 'sme'] },
      ],
      target: { name: 'default' },
    },
    model: { template: 'mlp', hiddenUnits: [16, 8] },
  });
  const first = metricsFor(0.3, 1);
  const rounds = [0.3, 0.6, 0.8, 0.9, 0.95].map((s, i) => ({
    number: i + 1,
    contributors: i === 2 ? 4 : 5,
    metrics: i === 0 ? first.m : i === 3 ? null : metricsFor(s, i + 1, first.h).m,
  }));
  return {
    federationName: name,
    plan: reportPlanSummary(plan, 'ab'.repeat(32)),
    generatedAt: new Date('2026-11-25T10:00:00Z'),
    rounds,
    final: rounds[4].metrics,
    benefit: { banks: 5, improved: 4, medianAucGain: 0.031 },
    baselines: { centralized: { auc: 0.8, ks: 0.45 } },
  };
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(sampleReportData());

  it('is one self-contained page: no scripts, links, fonts or remote URLs', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(\s*['"]?https?:/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain("default-src 'none'");
  });

  it('draws the four charts and both tables', () => {
    for (const label of [
      'Learning curves',
      'ROC curve of the final model',
      'KS plot of the final model',
      'Calibration of the final model',
    ]) {
      expect(html).toMatch(new RegExp(`<svg class="chart"[^>]*aria-label="${label}`));
    }
    expect(html).toContain('Calibration table');
    expect(html).toContain('<th>PSI vs champion</th>');
    expect(html).toContain('<th>Shift</th>');
    expect(html).toContain('not evaluated');
    expect(html).toContain('4 of 5');
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('escapes every piece of text it is given', () => {
    const data = sampleReportData('<script>alert("x")</script> & "Co"');
    data.plan.description = '<img src=x onerror=alert(1)>';
    const page = renderHtmlReport(data);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot;');
  });

  it('says so, instead of drawing, when nothing was evaluated or a holdout had one class', () => {
    const empty = renderHtmlReport({
      ...sampleReportData(),
      rounds: [],
      final: null,
      benefit: undefined,
      baselines: undefined,
    });
    expect(empty).toContain('No round has completed yet');
    expect(empty).toContain('has not been evaluated yet');
    expect(empty).not.toContain('<svg');
    const oneClass = federatedMetrics(buildScoreHistogram([0.1, 0.2], [0, 0]));
    const page = renderHtmlReport({
      ...sampleReportData(),
      rounds: [{ number: 1, contributors: 2, metrics: oneClass }],
      final: oneClass,
    });
    expect(page).toContain('only one class');
    expect(page).not.toMatch(/NaN|Infinity/);
  });
});

describe('classCdfs', () => {
  it('reads each class CDF off the ROC: 1 - tpr and 1 - fpr, by ascending threshold', () => {
    const { positives, negatives } = classCdfs([
      { threshold: 1, fpr: 0, tpr: 0 },
      { threshold: 0.5, fpr: 0.1, tpr: 0.7 },
      { threshold: 0, fpr: 1, tpr: 1 },
    ]);
    expect(positives).toEqual([
      [0, 0],
      [0.5, 1 - 0.7],
      [1, 1],
    ]);
    expect(negatives).toEqual([
      [0, 0],
      [0.5, 0.9],
      [1, 1],
    ]);
  });
});

describe('report method text', () => {
  it('states the bins the evaluations used, and the precision that follows from them', () => {
    const ten = methodText([10_000, 10_000]);
    expect(ten).toContain('10 000 equal-width bins per class');
    expect(ten).toContain('(width 0.0001)');
    expect(ten).toContain('within about 0.0001 of their exact values');
    expect(ten).not.toMatch(/\b1000 equal-width|0\.001\b/);
    const one = methodText([1000]);
    expect(one).toContain('1 000 equal-width bins per class');
    expect(one).toContain('(width 0.001)');
  });

  it('takes the plan setting when the evaluations are not given, and names no column that is only a count', () => {
    const page = renderHtmlReport({
      ...sampleReportData(),
      plan: { ...sampleReportData().plan, evaluationBins: 4096 },
    });
    expect(page).toContain('4 096 equal-width bins per class');
    expect(page).not.toContain('(the contributors column)');
    expect(renderHtmlReport({ ...sampleReportData(), bins: [10_000] })).toContain('10 000 equal-width bins');
  });
});
