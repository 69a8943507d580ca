/**
 * The one model shape every member can build and the coordinator can size
 * without TensorFlow: a stack of Dense layers (with weightless Dropout between)
 * ending in one sigmoid unit. Templates expand to it; a TensorFlow.js / Keras
 * Sequential's layers JSON is read into it, refusing anything else.
 */

/** Activations TensorFlow.js builds by name (Keras spellings mapped to tfjs ones). */
const ACTIVATIONS = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid',
  hardSigmoid: 'hardSigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  mish: 'mish',
  gelu: 'gelu',
} as const;

export type StackActivation = (typeof ACTIVATIONS)[keyof typeof ACTIVATIONS];

export interface StackDenseLayer {
  kind: 'dense';
  units: number;
  activation: StackActivation;
  useBias: boolean;
}

/** Weightless: it never changes the flat parameter layout. */
export interface StackDropoutLayer {
  kind: 'dropout';
  rate: number;
}

export type StackLayerSpec = StackDenseLayer | StackDropoutLayer;

/** A Sequential's layers JSON as the plan carries it (kept verbatim; read with readSequentialLayers). */
export type TfjsLayersJson = Readonly<Record<string, unknown>> | readonly unknown[];

export interface SequentialLayersReading {
  layers: StackLayerSpec[];
  /** Input width the JSON declares (batch_input_shape / input_dim), if it declares one. */
  declaredInputDim?: number;
  /** Every reason the JSON is refused; empty when it is accepted. */
  problems: string[];
}

export const MAX_STACK_LAYERS = 32;
export const MAX_LAYER_UNITS = 4096;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Layers of a Sequential from `model.toJSON()`, a model.json (`modelTopology`), Keras' `model_config`, or a bare array. */
function layerList(json: unknown): { list: unknown[] } | { problem: string } {
  if (Array.isArray(json)) return { list: json };
  if (!isRecord(json))
    return {
      problem:
        'must be a Sequential model JSON ({ class_name: "Sequential", config: { layers: [...] } }) or an array of layers',
    };
  if ('modelTopology' in json) return layerList(json.modelTopology);
  if ('model_config' in json) return layerList(json.model_config);
  if (json.class_name !== 'Sequential') {
    return {
      problem: `only a Sequential model is supported, got class_name ${JSON.stringify(json.class_name ?? null)}`,
    };
  }
  const config = json.config;
  if (Array.isArray(config)) return { list: config };
  if (isRecord(config) && Array.isArray(config.layers)) return { list: config.layers };
  return { problem: 'Sequential JSON has no config.layers array' };
}

/** [null, d] (batch_input_shape, batch_shape) or input_dim d. */
function declaredWidth(config: Record<string, unknown>): number | undefined | string {
  const shape = config.batch_input_shape ?? config.batch_shape ?? config.batchInputShape;
  if (shape !== undefined && shape !== null) {
    if (!Array.isArray(shape) || shape.length !== 2 || !Number.isInteger(shape[1]))
      return `input shape ${JSON.stringify(shape)} must be [null, width]`;
    return shape[1] as number;
  }
  const dim = config.input_dim ?? config.inputDim;
  if (dim !== undefined && dim !== null)
    return Number.isInteger(dim) ? (dim as number) : `input_dim ${JSON.stringify(dim)} must be an integer`;
  return undefined;
}

const UNSUPPORTED_DENSE_KEYS = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
];

/**
 * Reads a Sequential's layers JSON. Accepted: Dense (any activation tfjs names,
 * with or without bias) and Dropout, optionally a leading InputLayer, ending in
 * Dense(1, sigmoid). Initializers in the JSON are ignored: initial weights come
 * from the plan's seed so every member starts identical. Each problem names the
 * layer index and class.
 */
export function readSequentialLayers(json: unknown): SequentialLayersReading {
  const problems: string[] = [];
  const layers: StackLayerSpec[] = [];
  let declaredInputDim: number | undefined;
  const found = layerList(json);
  if ('problem' in found) return { layers, problems: [found.problem] };
  if (found.list.length === 0) return { layers, problems: ['has no layers'] };
  if (found.list.length > MAX_STACK_LAYERS)
    problems.push(`has ${found.list.length} layers; at most ${MAX_STACK_LAYERS} are supported`);
  const noteWidth = (i: number, cls: string, config: Record<string, unknown>) => {
    const w = declaredWidth(config);
    if (typeof w === 'string') problems.push(`layer ${i} (${cls}): ${w}`);
    else if (w !== undefined && i !== 0)
      problems.push(`layer ${i} (${cls}): only the first layer may declare an input shape`);
    else if (w !== undefined) declaredInputDim = w;
  };
  let problemsBeforeLast = 0;
  found.list.forEach((raw, i) => {
    problemsBeforeLast = problems.length;
    if (!isRecord(raw) || typeof raw.class_name !== 'string') {
      problems.push(`layer ${i}: must be an object with class_name and config`);
      return;
    }
    const cls = raw.class_name;
    const config = raw.config ?? {};
    if (!isRecord(config)) {
      problems.push(`layer ${i} (${cls}): config must be an object`);
      return;
    }
    if (config.trainable === false)
      problems.push(`layer ${i} (${cls}): frozen layers (trainable: false) are not supported`);
    if (cls === 'InputLayer') {
      if (i !== 0) problems.push(`layer ${i} (InputLayer): an InputLayer may only come first`);
      else noteWidth(i, cls, config);
      return;
    }
    if (cls === 'Dropout') {
      const rate = config.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
        problems.push(`layer ${i} (Dropout): rate must be a number in [0, 1), got ${JSON.stringify(rate ?? null)}`);
      if (config.noise_shape !== undefined && config.noise_shape !== null)
        problems.push(`layer ${i} (Dropout): noise_shape is not supported`);
      noteWidth(i, cls, config);
      layers.push({ kind: 'dropout', rate: typeof rate === 'number' ? rate : 0 });
      return;
    }
    if (cls !== 'Dense') {
      problems.push(`layer ${i} (${cls}): not supported; only Dense and Dropout layers (and a leading InputLayer)`);
      return;
    }
    const units = config.units;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1 || units > MAX_LAYER_UNITS) {
      problems.push(
        `layer ${i} (Dense): units must be an integer from 1 to ${MAX_LAYER_UNITS}, got ${JSON.stringify(units ?? null)}`,
      );
    }
    const act = config.activation ?? 'linear';
    const activation =
      typeof act === 'string' && Object.hasOwn(ACTIVATIONS, act)
        ? ACTIVATIONS[act as keyof typeof ACTIVATIONS]
        : undefined;
    if (!activation)
      problems.push(
        `layer ${i} (Dense): activation ${JSON.stringify(act)} is not supported; use one of ${Object.keys(ACTIVATIONS).join(', ')}`,
      );
    const useBias = config.use_bias ?? config.useBias ?? true;
    if (typeof useBias !== 'boolean') problems.push(`layer ${i} (Dense): use_bias must be true or false`);
    for (const key of UNSUPPORTED_DENSE_KEYS) {
      if (config[key] !== undefined && config[key] !== null)
        problems.push(`layer ${i} (Dense): ${key} is not supported`);
    }
    noteWidth(i, cls, config);
    layers.push({
      kind: 'dense',
      units: typeof units === 'number' ? units : 1,
      activation: activation ?? 'linear',
      useBias: useBias !== false,
    });
  });
  const last = layers[layers.length - 1];
  const lastRaw = found.list[found.list.length - 1];
  // Unless the last layer was refused for its own reasons, say what it must be.
  if (
    problems.length === problemsBeforeLast &&
    (!last || last.kind !== 'dense' || last.units !== 1 || last.activation !== 'sigmoid')
  ) {
    const cls = isRecord(lastRaw) ? String(lastRaw.class_name) : '?';
    problems.push(
      `layer ${found.list.length - 1} (${cls}): the model must end in a Dense layer with 1 unit and sigmoid activation`,
    );
  }
  return { layers, declaredInputDim, problems };
}
