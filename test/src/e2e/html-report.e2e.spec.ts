import { execFile } from 'child_process';
import { existsSync } from 'fs';
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import { promisify } from 'util';
import {
  buildScoreHistogram,
  federatedMetrics,
  parseTrainingPlan,
  seededRandom,
  type ScoreHistogram,
} from '@syndicate/protocol';
import { renderHtmlReport } from '@syndicate/coordinator/dist/reports/html-report';
import { reportPlanSummary, type ReportData } from '@syndicate/coordinator/dist/reports/report-data';

/** The data scientists' report, opened by a real browser offline: every chart is in the DOM it builds. */

const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);

/** Metrics through the real pipeline: synthetic holdout scores -> summed histogram -> federated metrics. */
function roundMetrics(
  strength: number,
  seed: number,
  reference?: ScoreHistogram,
): { h: ScoreHistogram; m: ReturnType<typeof federatedMetrics> } {
  const random = seededRandom(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const y = random() < 0.15 ? 1 : 0;
    const z = (random() + random() + random() - 1.5) * 2 + (y ? strength : -strength) - 1.4;
    scores.push(1 / (1 + Math.exp(-z)));
    labels.push(y);
  }
  const h = buildScoreHistogram(scores, labels);
  return { h, m: federatedMetrics(h, reference) };
}

function sampleReport(): ReportData {
  const plan = parseTrainingPlan({
    name: 'pd_model',
    schema: { features: [{ name: 'income', type: 'numeric', log1p: true }], target: { name: 'default' } },
    model: { template: 'logistic_regression' },
  });
  const first = roundMetrics(0.4, 1);
  const rounds = [1, 2, 3, 4].map((n) => ({
    number: n,
    contributors: 3,
    metrics: n === 1 ? first.m : roundMetrics(0.4 + n * 0.15, n, first.h).m,
  }));
  return {
    federationName: 'Consortium <script>alert(1)</script>',
    plan: reportPlanSummary(plan),
    generatedAt: '2026-11-25T12:00:00Z',
    rounds,
    final: rounds[3].metrics,
    baselines: { centralized: { auc: 0.82, ks: 0.5 } },
  };
}

const chromiumMissing = !existsSync(CHROMIUM);
const title = chromiumMissing
  ? `HTML report in headless Chromium (SKIPPED: ${CHROMIUM} is not installed; apt-get install -y chromium)`
  : 'HTML report in headless Chromium';

(chromiumMissing ? describe.skip : describe)(title, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'html-report-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds a DOM with the four SVG charts, their curves and the tables, and runs no injected script', async () => {
    const file = path.join(dir, 'report.html');
    await writeFile(file, renderHtmlReport(sampleReport()));
    const { stdout: dom } = await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--dump-dom',
        `file://${file}`,
      ],
      { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
    );
    const charts = dom.match(/<svg class="chart"[^>]*aria-label="[^"]*"/g) ?? [];
    expect(charts.map((c) => /aria-label="([^:(]*)/.exec(c)![1].trim())).toEqual([
      'Learning curves',
      'ROC curve of the final model',
      'KS plot of the final model',
      'Calibration of the final model',
    ]);
    // Curves: learning (AUC, KS, two baselines), ROC (+ diagonal), KS (two CDFs + gap), calibration (+ diagonal).
    expect((dom.match(/<polyline/g) ?? []).length).toBeGreaterThanOrEqual(11);
    expect((dom.match(/<circle class="dot"/g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(dom).toContain('<polygon'); // the shaded area under the ROC curve
    // Calibration, metrics per round, and the alert budgets' recall-at-FPR and precision-at-top-k tables.
    expect((dom.match(/<table>/g) ?? []).length).toBe(4);
    expect(dom).toContain('<th>False-positive budget</th>');
    expect(dom).toContain('<th>Top k alerts</th>');
    expect(dom).toContain('4 (final)');
    // The federation name arrives as text, never as a script element.
    expect(dom).not.toMatch(/<script/i);
    expect(dom).toContain('Consortium &lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
