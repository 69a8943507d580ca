import type { Dataset } from '../data/csv-dataset';
import type { ClassWeights } from '../training/class-weights';

/** How a logistic regression was fitted, as results and reports state it. */
export interface NewtonFitReport {
  method: 'newton-irls';
  /** Stop when the largest gradient component is below this. */
  tolerance: number;
  iterations: number;
  converged: boolean;
  /** Largest |gradient| component at the returned weights. */
  maxGradient: number;
  l2: number;
}

export const NEWTON_TOLERANCE = 1e-8;
const MAX_ITERATIONS = 100;

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A is n x n row-major. */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        // A tiny floor keeps a flat direction (a column constant over the rows) solvable.
        l[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** log(1 + e^z) without overflow. */
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/**
 * Fits a logistic regression to convergence by Newton's method (IRLS) on the objective the
 * plan's local training minimises: (1/n) sum_i c_i * logloss_i + l2 * ||kernel||^2 (c_i the
 * class weight of row i, the bias unpenalised). Step-halving keeps every step a descent.
 * Returns the weights in the plan's flat layout (kernel [d], then bias).
 */
export function fitLogisticNewton(
  data: Dataset,
  o: { l2: number; classWeights?: ClassWeights; tolerance?: number },
): { weights: Float64Array; report: NewtonFitReport } {
  const d = data.inputDim;
  const n = data.rows;
  const p = d + 1;
  const tol = o.tolerance ?? NEWTON_TOLERANCE;
  if (n === 0) throw new Error('cannot fit a logistic regression to no rows');
  const c = (y: number) => (o.classWeights ? o.classWeights[y === 1 ? 1 : 0] : 1);
  const x = (i: number, j: number) => (j < d ? data.features[i * d + j] : 1);
  const w = new Float64Array(p);

  const objective = (v: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = v[d];
      for (let j = 0; j < d; j++) z += v[j] * data.features[i * d + j];
      loss += c(data.labels[i]) * (softplus(z) - data.labels[i] * z);
    }
    let penalty = 0;
    for (let j = 0; j < d; j++) penalty += v[j] * v[j];
    return loss / n + o.l2 * penalty;
  };

  let iterations = 0;
  let maxGradient = Infinity;
  let current = objective(w);
  for (;;) {
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      let z = w[d];
      for (let j = 0; j < d; j++) z += w[j] * data.features[i * d + j];
      const mu = sigmoid(z);
      const ci = c(data.labels[i]) / n;
      const r = ci * (mu - data.labels[i]);
      const s = ci * mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        const xj = x(i, j);
        g[j] += r * xj;
        if (s === 0) continue;
        for (let k = 0; k <= j; k++) h[j * p + k] += s * xj * x(i, k);
      }
    }
    for (let j = 0; j < d; j++) {
      g[j] += 2 * o.l2 * w[j];
      h[j * p + j] += 2 * o.l2;
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) h[k * p + j] = h[j * p + k];
    // One-hot columns plus the bias are collinear: without L2 the optimum is a line, not a point. A ridge
    // far below the curvature keeps each step finite there (the gradient has no component along it).
    for (let j = 0; j < p; j++) h[j * p + j] += 1e-10;
    maxGradient = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (maxGradient < tol || iterations >= MAX_ITERATIONS) break;
    const step = solveSpd(h, g, p);
    let t = 1;
    let next = w.map((v, j) => v - t * step[j]);
    let value = objective(next);
    while (value > current && t > 1e-10) {
      t /= 2;
      next = w.map((v, j) => v - t * step[j]);
      value = objective(next);
    }
    iterations++;
    if (value > current) break;
    w.set(next);
    current = value;
  }
  return {
    weights: w,
    report: {
      method: 'newton-irls',
      tolerance: tol,
      iterations,
      converged: maxGradient < tol,
      maxGradient,
      l2: o.l2,
    },
  };
}
