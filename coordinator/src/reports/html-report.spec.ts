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

  it('says which side of the centralized baseline the global model is, in words', () => {
    const data = sampleReportData();
    const gap = data.final!.rocAuc - 0.8;
    const words = `${Math.abs(gap).toFixed(3)} ${gap < 0 ? 'below' : 'above'}`;
    expect(html).toContain(`<div class="label">AUC vs. centralized</div><div class="value">${words}</div>`);
    const level = renderHtmlReport({ ...data, baselines: { centralized: { auc: data.final!.rocAuc, ks: 0.45 } } });
    expect(level).toContain('<div class="label">AUC vs. centralized</div><div class="value">level</div>');
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

describe('report alert budgets (fraud metrics)', () => {
  /** Scores placed by hand so every figure can be worked out on paper. */
  function handMadeTestRows(): FederatedMetrics {
    const scores: number[] = [];
    const labels: number[] = [];
    const put = (n: number, score: number, label: number): void => {
      for (let i = 0; i < n; i++) {
        scores.push(score);
        labels.push(label);
      }
    };
    put(40, 0.97, 1);
    put(5, 0.95, 0);
    put(30, 0.8, 1);
    put(45, 0.75, 0);
    put(30, 0.3, 1);
    put(9950, 0.2, 0);
    return federatedMetrics(buildScoreHistogram(scores, labels));
  }

  /** The rows of the table whose first header cell is `firstHeader`, as cell texts. */
  function tableRows(html: string, firstHeader: string): string[][] {
    const start = html.indexOf(`<th>${firstHeader}</th>`);
    expect(start).toBeGreaterThan(-1);
    const body = html.slice(start, html.indexOf('</tbody>', start));
    return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
      [...row[1].matchAll(/<td>(.*?)<\/td>/g)].map((cell) => cell[1]),
    );
  }

  it("shows the champion's test-row recall at 0.1/0.5/1% FPR, precision at top k and PR AUC, as worked out by hand", () => {
    const test = handMadeTestRows();
    const base = sampleReportData();
    const validation = base.rounds[4].metrics;
    const html = renderHtmlReport({
      ...base,
      rounds: base.rounds.map((r, i) => (i === 4 ? { ...r, test } : r)),
      final: test,
      finalRows: 'test',
      selection: { championRound: 5, metric: 'auc', promotionMargin: 0, stopped: false },
    });
    // 10 000 legitimate: budgets of 10, 50 and 100 false alerts. The lowest bin edge within 10 is just above the
    // 0.75 bin (5 false alerts, 40 + 30 of 100 frauds); within 50 and 100, just above the 0.2 bin (50 false alerts,
    // every fraud); the 0.2 bin itself would add 9 950.
    expect(tableRows(html, 'False-positive budget')).toEqual([
      ['0.1%', '70.0%', '0.7501', '0.05%', '5'],
      ['0.5%', '100.0%', '0.2001', '0.50%', '50'],
      ['1.0%', '100.0%', '0.2001', '0.50%', '50'],
    ]);
    // Top 100: 40 + 30 frauds among 40 + 5 + 30 + 25; top 500 and 1 000 hold all 100 frauds.
    expect(tableRows(html, 'Top k alerts')).toEqual([
      ['100', '70.0%'],
      ['500', '20.0%'],
      ['1,000', '10.0%'],
    ]);
    expect(html).toContain(`PR AUC (average precision) ${test.prAuc.toFixed(3)}`);
    expect(html).toContain('On the champion&#39;s test rows (10,100 examples, 100 with target = 1)');
    // The validation figures choose; they must not be the ones reported here.
    expect(validation?.fraud.recallAtFpr[0].recall).not.toBeCloseTo(0.7, 2);
  });

  it('leaves the section out for evaluations stored before fraud metrics existed', () => {
    const base = sampleReportData();
    const old: Partial<FederatedMetrics> = { ...base.final };
    delete old.fraud;
    const html = renderHtmlReport({ ...base, final: old as FederatedMetrics });
    expect(html).not.toContain('Alert budgets');
    expect(renderHtmlReport(base)).toContain('Alert budgets');
  });
});

describe('reportPlanSummary', () => {
  it('names a focal loss with its settings, and says nothing for the default cross-entropy', () => {
    const input = {
      name: 'fraud',
      schema: { features: [{ name: 'amount', type: 'numeric' as const }], target: { name: 'fraud' } },
      model: { template: 'logistic_regression' as const },
    };
    expect(reportPlanSummary(parseTrainingPlan(input)).localTraining).not.toMatch(/loss/);
    const focal = parseTrainingPlan({ ...input, training: { loss: { type: 'focal', gamma: 2, alpha: 0.75 } } });
    expect(reportPlanSummary(focal).localTraining).toContain('focal loss (gamma 2, alpha 0.75)');
  });
});
