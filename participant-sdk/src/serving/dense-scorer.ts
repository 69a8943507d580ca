import { layerStack, modelLayout, type StackActivation, type TrainingPlan } from '@syndicate/protocol';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Activations as TensorFlow.js defines them, so in-process scores match the trained model's. */
const ACTIVATIONS: Partial<Record<StackActivation, (x: number) => number>> = {
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  sigmoid,
  hardSigmoid: (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5)),
  tanh: Math.tanh,
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
};

interface DenseLayer {
  inputs: number;
  units: number;
  /** The kernel transposed (unit-major) and widened to float64 (exact), so one unit's sum is one tight loop. */
  kernelT: Float64Array;
  /** Zeros without a bias: 0 + the first term is that term, as when the sum starts from nothing. */
  bias: Float64Array;
  activation: (x: number) => number;
  relu: boolean;
}

/**
 * The plan's Dense stack as a plain loop over float weights: no tensor
 * library on the scoring path, so one transaction costs microseconds and no
 * allocation. The last layer's sigmoid is split off so callers can read the
 * log-odds (the reasons compare them). Every unit's sum is the bias, then
 * input k's term for k ascending, skipping inputs that are exactly 0: the
 * same sums in the same order on every path (one row, a batch, occlusion).
 */
export class DenseScorer {
  readonly inputDim: number;
  private readonly layers: DenseLayer[];
  private readonly buffers: Float64Array[];
  /** The non-zero inputs of the row being scored: their columns and values. */
  private readonly nzIndex: Int32Array;
  private readonly nzValue: Float64Array;

  constructor(plan: Pick<TrainingPlan, 'schema' | 'model'>, weights: Float32Array) {
    const layout = modelLayout(plan);
    if (weights.length !== layout.numParams)
      throw new Error(`the model has ${weights.length} parameters but the plan's layout needs ${layout.numParams}`);
    this.inputDim = layout.inputDim;
    const tensors = new Map(layout.tensors.map((t) => [t.name, weights.subarray(t.offset, t.offset + t.size)]));
    let inputs = layout.inputDim;
    this.layers = [];
    for (const l of layerStack(plan.model)) {
      if (l.kind !== 'dense') continue;
      const i = this.layers.length;
      const activation = ACTIVATIONS[l.activation];
      if (!activation)
        throw new Error(
          `activation ${l.activation} is not supported by the scoring service; train with relu, tanh or elu`,
        );
      const kernel = tensors.get(`dense_${i}/kernel`)!;
      const kernelT = new Float64Array(inputs * l.units);
      for (let k = 0; k < inputs; k++)
        for (let u = 0; u < l.units; u++) kernelT[u * inputs + k] = kernel[k * l.units + u];
      this.layers.push({
        inputs,
        units: l.units,
        kernelT,
        bias: l.useBias ? Float64Array.from(tensors.get(`dense_${i}/bias`)!) : new Float64Array(l.units),
        activation,
        relu: l.activation === 'relu',
      });
      inputs = l.units;
    }
    this.buffers = this.layers.map((l) => new Float64Array(l.units));
    this.firstFull = new Float64Array(this.layers[0].units);
    const widest = Math.max(layout.inputDim, ...this.layers.map((l) => l.units));
    this.nzIndex = new Int32Array(widest);
    this.nzValue = new Float64Array(widest);
  }

  /** Log-odds of one encoded row (the output unit before its sigmoid). */
  logit(x: ArrayLike<number>): number {
    this.firstLayer(x, this.buffers[0]);
    return this.rest(this.buffers[0]);
  }

  score(x: ArrayLike<number>): number {
    return sigmoid(this.logit(x));
  }

  /**
   * Scores of `rows` encoded rows stored one after another in `x`, into `out`:
   * the batch scorer's path, reading each row in place (no view per row), with
   * the same sums in the same order as `score`, so the same bits. Goes through
   * `logit` when a subclass redefines it (a blend of two networks).
   */
  scoreBatch(x: Float32Array, rows: number, out: Float64Array): void {
    if (this.logit !== DenseScorer.prototype.logit) {
      for (let r = 0; r < rows; r++)
        out[r] = sigmoid(this.logit(x.subarray(r * this.inputDim, (r + 1) * this.inputDim)));
      return;
    }
    const h = this.buffers[0];
    for (let r = 0; r < rows; r++) {
      this.firstLayer(x, h, r * this.inputDim);
      out[r] = sigmoid(this.rest(h));
    }
  }

  /**
   * Log-odds of `x` with the columns of each range set to 0, one per range:
   * the first layer is computed once and each range's columns subtracted, so
   * explaining a score costs about one forward pass, not one per feature.
   */
  occludedLogits(x: ArrayLike<number>, ranges: readonly (readonly [number, number])[]): Float64Array {
    const full = this.firstFull;
    this.firstLayer(x, full);
    const { inputs, units, kernelT } = this.layers[0];
    const h = this.buffers[0];
    const out = new Float64Array(ranges.length);
    ranges.forEach(([from, to], r) => {
      h.set(full);
      for (let k = from; k < to; k++) {
        const v = x[k];
        if (v === 0) continue;
        for (let u = 0; u < units; u++) h[u] -= v * kernelT[u * inputs + k];
      }
      out[r] = this.rest(h);
    });
    return out;
  }

  private readonly firstFull: Float64Array;

  /** Pre-activations of the first layer for the row at `offset` of `x` into `out`. */
  private firstLayer(x: ArrayLike<number>, out: Float64Array, offset = 0): void {
    const { inputs, units, kernelT, bias } = this.layers[0];
    const idx = this.nzIndex;
    const val = this.nzValue;
    let n = 0;
    for (let k = 0; k < inputs; k++) {
      const v = x[offset + k];
      if (v === 0) continue;
      idx[n] = k;
      val[n++] = v;
    }
    dot(kernelT, inputs, units, bias, idx, val, n, out);
  }

  /** From the first layer's pre-activations (overwritten) to the output's log-odds. */
  private rest(h: Float64Array): number {
    const last = this.layers.length - 1;
    if (last === 0) return h[0];
    const idx = this.nzIndex;
    const val = this.nzValue;
    let input: Float64Array = h;
    for (let li = 1; li <= last; li++) {
      // The previous layer's activations, its non-zero ones gathered.
      const prev = this.layers[li - 1];
      let n = 0;
      for (let k = 0; k < prev.units; k++) {
        const v = prev.relu ? (input[k] > 0 ? input[k] : 0) : prev.activation(input[k]);
        if (v === 0) continue;
        idx[n] = k;
        val[n++] = v;
      }
      const { inputs, units, kernelT, bias } = this.layers[li];
      const out = this.buffers[li];
      dot(kernelT, inputs, units, bias, idx, val, n, out);
      input = out;
    }
    return input[0];
  }
}

/**
 * out[u] = bias[u] + the sum over the n gathered inputs of value * weight, in
 * input order. Four units at a time: each keeps its own sum in its own order,
 * and the four independent chains of additions overlap in the processor.
 */
function dot(
  kernelT: Float64Array,
  inputs: number,
  units: number,
  bias: Float64Array,
  idx: Int32Array,
  val: Float64Array,
  n: number,
  out: Float64Array,
): void {
  let u = 0;
  for (; u + 4 <= units; u += 4) {
    const b0 = u * inputs;
    const b1 = b0 + inputs;
    const b2 = b1 + inputs;
    const b3 = b2 + inputs;
    let a0 = bias[u];
    let a1 = bias[u + 1];
    let a2 = bias[u + 2];
    let a3 = bias[u + 3];
    for (let j = 0; j < n; j++) {
      const v = val[j];
      const k = idx[j];
      a0 += v * kernelT[b0 + k];
      a1 += v * kernelT[b1 + k];
      a2 += v * kernelT[b2 + k];
      a3 += v * kernelT[b3 + k];
    }
    out[u] = a0;
    out[u + 1] = a1;
    out[u + 2] = a2;
    out[u + 3] = a3;
  }
  for (; u < units; u++) {
    const base = u * inputs;
    let acc = bias[u];
    for (let j = 0; j < n; j++) acc += val[j] * kernelT[base + idx[j]];
    out[u] = acc;
  }
}
