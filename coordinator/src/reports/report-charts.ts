import type { CurvePoint, FederatedMetrics } from '@syndicate/protocol';
import { fixed } from './number-format';
import type { ReportBaselines, ReportRound } from './report-data';
import { niceDomain, SvgPlot, type Point, type StrokeStyle } from './svg-plot';

/** Okabe-Ito colours (colour-blind safe); dashes keep series apart on a grey printer. */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#D55E00',
  green: '#009E73',
  grey: '#777777',
  purple: '#CC79A7',
} as const;

const AUC: StrokeStyle = { color: PALETTE.blue };
const KS: StrokeStyle = { color: PALETTE.orange, dash: '7 4' };
const TEST_AUC: StrokeStyle = { color: PALETTE.green, dash: '2 3' };
const TEST_KS: StrokeStyle = { color: PALETTE.purple, dash: '2 3' };
const CHAMPION: StrokeStyle = { color: PALETTE.grey, width: 1.5 };
const DIAGONAL: StrokeStyle = { color: PALETTE.grey, width: 1.2, dash: '4 4' };
const unit = (v: number): string => v.toFixed(1);

/**
 * AUC and KS of the global model after each evaluated round on the validation rows (they choose) and the
 * test rows (they report), the round the champion was chosen at, and the centralized baseline when there is one.
 */
export function learningCurveChart(
  rounds: ReportRound[],
  baselines?: ReportBaselines,
  championRound?: number | null,
): string {
  const evaluated = rounds.filter((r): r is ReportRound & { metrics: FederatedMetrics } => r.metrics !== null);
  // Unevaluated rounds are skipped, not drawn as a break: the curve joins the rounds that have figures.
  const auc: Point[] = evaluated.map((r) => [r.number, r.metrics.rocAuc]);
  const ks: Point[] = evaluated.map((r) => [r.number, r.metrics.ks]);
  const tested = evaluated.filter((r): r is typeof r & { test: FederatedMetrics } => !!r.test);
  const testAuc: Point[] = tested.map((r) => [r.number, r.test.rocAuc]);
  const testKs: Point[] = tested.map((r) => [r.number, r.test.ks]);
  const central = baselines?.centralized;
  const numbers = rounds.map((r) => r.number);
  const first = Math.min(...numbers);
  const last = Math.max(...numbers);
  const pad = Math.max(0.25, (last - first) * 0.03);
  const xDomain: [number, number] = [first - pad, last + pad];
  const span = last - first;
  const step = span <= 12 ? 1 : Math.ceil(span / 12);
  const xTicks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => first + i * step);
  const values = [...auc, ...ks, ...testAuc, ...testKs]
    .map((p) => p[1])
    .concat(central ? [central.auc, central.ks] : []);
  const auc0: StrokeStyle = { color: PALETTE.blue, width: 1.2, dash: '2 3' };
  const ks0: StrokeStyle = { color: PALETTE.orange, width: 1.2, dash: '2 3' };
  const champion = championRound ?? null;
  const legend = [
    { label: 'validation AUC', style: AUC },
    { label: 'validation KS', style: KS },
    ...(testAuc.length
      ? [
          { label: 'test AUC', style: TEST_AUC },
          { label: 'test KS', style: TEST_KS },
        ]
      : []),
    ...(champion !== null ? [{ label: `champion (round ${champion})`, style: CHAMPION }] : []),
    ...(central
      ? [
          { label: `centralized AUC (${fixed(central.auc)})`, style: auc0 },
          { label: `centralized KS (${fixed(central.ks)})`, style: ks0 },
        ]
      : []),
  ];
  const plot = new SvgPlot({
    id: 'learning-curves',
    title: 'Learning curves: AUC and KS of the global model per round',
    width: 1000,
    height: 320,
    x: { domain: xDomain, label: 'round', ticks: xTicks, format: (v) => String(Math.round(v)) },
    y: { domain: niceDomain(values, [0, 1]), label: 'metric value', format: (v) => v.toFixed(2) },
    legend,
  });
  if (central) {
    plot.line(
      [
        [xDomain[0], central.auc],
        [xDomain[1], central.auc],
      ],
      auc0,
      `centralized AUC ${fixed(central.auc)}`,
    );
    plot.line(
      [
        [xDomain[0], central.ks],
        [xDomain[1], central.ks],
      ],
      ks0,
      `centralized KS ${fixed(central.ks)}`,
    );
  }
  const yDomain = niceDomain(values, [0, 1]);
  if (champion !== null)
    plot.line(
      [
        [champion, yDomain[0]],
        [champion, yDomain[1]],
      ],
      CHAMPION,
      `champion chosen at round ${champion}`,
    );
  plot.line(auc, AUC).line(ks, KS);
  if (testAuc.length) plot.line(testAuc, TEST_AUC).line(testKs, TEST_KS);
  for (const r of evaluated) {
    plot.dot([r.number, r.metrics.rocAuc], AUC.color, 3.5, `round ${r.number}: AUC ${fixed(r.metrics.rocAuc)}`);
    plot.dot([r.number, r.metrics.ks], KS.color, 3.5, `round ${r.number}: KS ${fixed(r.metrics.ks)}`);
  }
  return plot.render();
}

/** ROC of the final model, shaded, against the chance diagonal. */
export function rocChart(m: FederatedMetrics): string {
  const points: Point[] = [...m.roc].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr).map((p) => [p.fpr, p.tpr]);
  const style: StrokeStyle = { color: PALETTE.blue };
  const plot = new SvgPlot({
    id: 'roc',
    title: `ROC curve of the final model (AUC ${fixed(m.rocAuc)})`,
    width: 400,
    height: 380,
    x: { domain: [0, 1], label: 'false-positive rate (share of target = 0 flagged)', format: unit },
    y: { domain: [0, 1], label: 'true-positive rate (share of target = 1 flagged)', format: unit },
    legend: [
      { label: 'final model', style },
      { label: 'chance', style: DIAGONAL },
    ],
  });
  plot
    .area(points, PALETTE.blue)
    .line(
      [
        [0, 0],
        [1, 1],
      ],
      DIAGONAL,
    )
    .line(points, style, `ROC, AUC ${fixed(m.rocAuc)}`)
    .note([0.98, 0.04], `AUC = ${fixed(m.rocAuc)}`, { anchor: 'end', dy: -6, color: PALETTE.blue });
  return plot.render();
}

/** Linear interpolation of y at x along points sorted by x. */
function interpolate(points: readonly Point[], x: number): number {
  if (points.length === 0) return NaN;
  if (x <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i];
    if (x <= x1) {
      const [x0, y0] = points[i - 1];
      return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return points[points.length - 1][1];
}

/**
 * Score CDFs of both classes, read off the ROC: a case is flagged when its score
 * is >= t, so the share of a class scoring below t is 1 - tpr (target 1) or 1 - fpr (target 0).
 */
export function classCdfs(roc: readonly CurvePoint[]): { positives: Point[]; negatives: Point[] } {
  const sorted = [...roc].sort((a, b) => a.threshold - b.threshold);
  return {
    positives: sorted.map((p) => [p.threshold, 1 - p.tpr]),
    negatives: sorted.map((p) => [p.threshold, 1 - p.fpr]),
  };
}

/** KS plot: both classes' cumulative score distributions with the KS gap marked. */
export function ksChart(m: FederatedMetrics): string {
  const { positives, negatives } = classCdfs(m.roc);
  const pos: StrokeStyle = { color: PALETTE.orange };
  const neg: StrokeStyle = { color: PALETTE.blue, dash: '7 4' };
  const gap: StrokeStyle = { color: '#222', width: 2.5 };
  const t = m.ksThreshold;
  const yPos = interpolate(positives, t);
  const yNeg = interpolate(negatives, t);
  const plot = new SvgPlot({
    id: 'ks',
    title: `KS plot of the final model (KS ${fixed(m.ks)} at score ${fixed(t)})`,
    width: 400,
    height: 380,
    x: { domain: [0, 1], label: 'model score (threshold)', format: unit },
    y: { domain: [0, 1], label: 'cumulative share scoring below', format: unit },
    legend: [
      { label: 'target = 1', style: pos },
      { label: 'target = 0', style: neg },
      { label: 'KS gap', style: gap },
    ],
  });
  plot.line(negatives, neg, 'target = 0').line(positives, pos, 'target = 1');
  if (Number.isFinite(m.ks) && m.ks > 0) {
    plot
      .line(
        [
          [t, yPos],
          [t, yNeg],
        ],
        gap,
        `KS gap ${fixed(m.ks)} at score ${fixed(t)}`,
      )
      .note([t, (yPos + yNeg) / 2], `KS = ${fixed(m.ks)} at ${fixed(t)}`, {
        dx: t > 0.6 ? -8 : 8,
        anchor: t > 0.6 ? 'end' : 'start',
      });
  }
  return plot.render();
}

/** Reliability diagram: mean predicted vs observed rate per score bucket; dot area follows the bucket's size. */
export function calibrationChart(m: FederatedMetrics): string {
  const buckets = m.calibration.filter(
    (b) => b.count > 0 && Number.isFinite(b.observedRate) && Number.isFinite(b.meanPredicted),
  );
  const style: StrokeStyle = { color: PALETTE.green };
  const top = niceDomain(buckets.flatMap((b) => [b.meanPredicted, b.observedRate]).concat([0]), [0, 1], 0.08)[1];
  const plot = new SvgPlot({
    id: 'calibration',
    title: 'Calibration of the final model: mean predicted vs observed rate of target = 1',
    width: 400,
    height: 380,
    x: { domain: [0, top], label: 'mean predicted probability', format: (v) => v.toFixed(2) },
    y: { domain: [0, top], label: 'observed rate of target = 1', format: (v) => v.toFixed(2) },
    legend: [
      { label: 'final model', style },
      { label: 'perfect calibration', style: DIAGONAL },
    ],
  });
  plot.line(
    [
      [0, 0],
      [top, top],
    ],
    DIAGONAL,
  );
  plot.line(
    buckets.map((b) => [b.meanPredicted, b.observedRate]),
    style,
  );
  const largest = Math.max(1, ...buckets.map((b) => b.count));
  for (const b of buckets) {
    plot.dot(
      [b.meanPredicted, b.observedRate],
      PALETTE.green,
      3 + 5 * Math.sqrt(b.count / largest),
      `scores ${fixed(b.from, 2)}–${fixed(b.to, 2)}: n=${b.count}, predicted ${fixed(b.meanPredicted)}, observed ${fixed(b.observedRate)}`,
    );
  }
  return plot.render();
}
