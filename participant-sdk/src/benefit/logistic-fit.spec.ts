import * as path from 'path';
import { readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';
import { poolDatasets, runCentralizedBaseline } from './centralized-baseline';
import { fitLogisticNewton } from './logistic-fit';

const FIXTURES = path.join(__dirname, 'fixtures');
const mlpPlan: TrainingPlan = readPlanFile(path.join(FIXTURES, 'plan.json'));
const banks = ['alpine', 'cascade', 'delta'].map((name) => ({ name, file: path.join(FIXTURES, `${name}.csv`) }));

/**
 * An independent fit, written plainly: rows as arrays with a trailing 1 for the bias, the
 * gradient and Hessian of (1/n) sum c_i logloss_i + l2 |kernel|^2 summed row by row, and the
 * Newton system solved by Gaussian elimination with partial pivoting; a fixed 50 full steps.
 */
function independentNewton(rows: number[][], y: number[], c: number[], l2: number): number[] {
  const p = rows[0].length;
  const n = rows.length;
  let w = new Array<number>(p).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Array<number>(p).fill(0);
    const H = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const z = rows[i].reduce((s, x, j) => s + x * w[j], 0);
      const mu = 1 / (1 + Math.exp(-z));
      for (let j = 0; j < p; j++) {
        g[j] += (c[i] * (mu - y[i]) * rows[i][j]) / n;
        for (let k = 0; k < p; k++) H[j][k] += (c[i] * mu * (1 - mu) * rows[i][j] * rows[i][k]) / n;
      }
    }
    for (let j = 0; j < p - 1; j++) {
      g[j] += 2 * l2 * w[j];
      H[j][j] += 2 * l2;
    }
    // Solve H d = g.
    const A = H.map((row, j) => [...row, g[j]]);
    for (let col = 0; col < p; col++) {
      let pivot = col;
      for (let r = col + 1; r < p; r++) if (Math.abs(A[r][col]) > Math.abs(A[pivot][col])) pivot = r;
      [A[col], A[pivot]] = [A[pivot], A[col]];
      for (let r = 0; r < p; r++) {
        if (r === col) continue;
        const f = A[r][col] / A[col][col];
        for (let k = col; k <= p; k++) A[r][k] -= f * A[col][k];
      }
    }
    const d = A.map((row, j) => row[p] / row[j]);
    w = w.map((v, j) => v - d[j]);
  }
  return w;
}

const rowsOf = (d: Dataset): number[][] =>
  Array.from({ length: d.rows }, (_, i) => [
    ...Array.from(d.features.subarray(i * d.inputDim, (i + 1) * d.inputDim)),
    1,
  ]);

describe('fitted logistic baseline', () => {
  const plan: TrainingPlan = {
    ...mlpPlan,
    model: { template: 'logistic_regression' },
    training: { ...mlpPlan.training, l2: 0.01, classWeights: 'balanced' },
  };

  it("the pooled baseline's coefficients match an independent Newton fit of the pooled training rows to 1e-4", async () => {
    const r = await runCentralizedBaseline({ plan, banks, rounds: 1 });
    expect(r.centralized.fit).toMatchObject({ method: 'newton-irls', converged: true, l2: 0.01 });
    const pooled = poolDatasets(
      await Promise.all(
        banks.map(
          async (b) =>
            splitHoldout(await loadCsvDataset(b.file, plan.schema), plan.holdout.fraction, plan.holdout.seed).train,
        ),
      ),
    );
    const y = Array.from(pooled.labels);
    const positives = y.filter((v) => v === 1).length;
    // balanced: rows / (2 * rows of the class)
    const c = y.map((v) => (v === 1 ? y.length / (2 * positives) : y.length / (2 * (y.length - positives))));
    const expected = independentNewton(rowsOf(pooled), y, c, 0.01);
    expect(r.weights).toHaveLength(expected.length);
    const worst = Math.max(...expected.map((e, j) => Math.abs(e - r.weights[j])));
    expect(worst).toBeLessThan(1e-4);
  });

  it('converges without L2 although one-hot columns are collinear with the bias', () => {
    // Two one-hot columns (a category each) and a numeric one: the one-hots sum to the bias column.
    const rows = [
      [1, 0, 0.5],
      [1, 0, -1],
      [1, 0, 2],
      [0, 1, 0.1],
      [0, 1, -0.3],
      [0, 1, 1.5],
      [1, 0, 0],
      [0, 1, 0.8],
    ];
    const d: Dataset = {
      features: Float32Array.from(rows.flat()),
      labels: Float32Array.from([0, 0, 1, 1, 0, 1, 1, 0]),
      rows: rows.length,
      inputDim: 3,
    };
    const { weights, report } = fitLogisticNewton(d, { l2: 0 });
    expect(report).toMatchObject({ converged: true, method: 'newton-irls', l2: 0 });
    expect(report.maxGradient).toBeLessThan(report.tolerance);
    // The flat direction (one-hots up, bias down) is not wandered along.
    expect(Math.max(...Array.from(weights, Math.abs))).toBeLessThan(100);
  });
});
