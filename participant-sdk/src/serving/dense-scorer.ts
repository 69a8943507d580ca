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
  kernel: Float32Array;
  bias: Float32Array | null;
  activation: (x: number) => number;
}

/**
 * The plan's Dense stack as a plain loop over float32 weights: no tensor
 * library on the scoring path, so one transaction costs microseconds and no
 * allocation. The last layer's sigmoid is split off so callers can read the
 * log-odds (the reasons compare them).
 */
export class DenseScorer {
  readonly inputDim: number;
  private readonly layers: DenseLayer[];
  private readonly buffers: Float64Array[];

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
      this.layers.push({
        inputs,
        units: l.units,
        kernel: tensors.get(`dense_${i}/kernel`)!,
        bias: l.useBias ? tensors.get(`dense_${i}/bias`)! : null,
        activation,
      });
      inputs = l.units;
    }
    this.buffers = this.layers.map((l) => new Float64Array(l.units));
    this.firstFull = new Float64Array(this.layers[0].units);
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
   * the same sums in the same order as `score`, so the same bits.
   */
  scoreBatch(x: Float32Array, rows: number, out: Float64Array): void {
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
    const { units, kernel } = this.layers[0];
    const h = this.buffers[0];
    const out = new Float64Array(ranges.length);
    ranges.forEach(([from, to], r) => {
      h.set(full);
      for (let k = from; k < to; k++) {
        const v = x[k];
        if (v === 0) continue;
        const row = k * units;
        for (let u = 0; u < units; u++) h[u] -= v * kernel[row + u];
      }
      out[r] = this.rest(h);
    });
    return out;
  }

  private readonly firstFull: Float64Array;

  /** Pre-activations of the first layer for the row at `offset` of `x` into `out`. */
  private firstLayer(x: ArrayLike<number>, out: Float64Array, offset = 0): void {
    const { inputs, units, kernel, bias } = this.layers[0];
    for (let u = 0; u < units; u++) out[u] = bias ? bias[u] : 0;
    for (let k = 0; k < inputs; k++) {
      const v = x[offset + k];
      if (v === 0) continue;
      const row = k * units;
      for (let u = 0; u < units; u++) out[u] += v * kernel[row + u];
    }
  }

  /** From the first layer's pre-activations (overwritten) to the output's log-odds. */
  private rest(h: Float64Array): number {
    const last = this.layers.length - 1;
    let input: Float64Array = h;
    if (last === 0) return h[0];
    for (let u = 0; u < this.layers[0].units; u++) h[u] = this.layers[0].activation(h[u]);
    for (let li = 1; li <= last; li++) {
      const { inputs, units, kernel, bias, activation } = this.layers[li];
      const out = this.buffers[li];
      for (let u = 0; u < units; u++) out[u] = bias ? bias[u] : 0;
      for (let k = 0; k < inputs; k++) {
        const v = input[k];
        if (v === 0) continue;
        const row = k * units;
        for (let u = 0; u < units; u++) out[u] += v * kernel[row + u];
      }
      if (li < last) for (let u = 0; u < units; u++) out[u] = activation(out[u]);
      input = out;
    }
    return input[0];
  }
}
