import * as fs from 'fs';
import * as path from 'path';
import { inputDimension, modelLayout } from './model-layout';
import { parseTrainingPlan, PlanValidationError, type TrainingPlanInput } from './training-plan';

const base = {
  name: 'unit',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
} as const;

function problems(input: unknown): string[] {
  try {
    parseTrainingPlan(input);
  } catch (e) {
    if (e instanceof PlanValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a PlanValidationError');
}

const denseJson = (units: number, activation: string, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { units, activation, ...extra },
});

describe('parseTrainingPlan: existing plans', () => {
  const examples = path.join(__dirname, '../../../examples/credit-risk');
  it.each(fs.readdirSync(examples).filter((f) => f.endsWith('.json')))(
    '%s still parses, with the old layout and fedavg',
    (file) => {
      const plan = parseTrainingPlan(JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')));
      // Plain FedAvg: a server learning rate of 1.
      expect(plan.serverOptimizer).toEqual({ type: 'fedavg', learningRate: 1 });
      // Model selection on validation AUC, never stopping early unless asked.
      expect(plan.selection).toEqual({ metric: 'auc', promotionMargin: 0, minImprovement: 0.001 });
      expect(plan.evaluation.bins).toBe(10_000);
      expect(plan.training.fedProxMu).toBe(0);
      expect(plan.training.classWeights).toBeUndefined();
      for (const f of plan.schema.features) expect(f.missing).toBe('error');
      // 7 numeric + 5 regions + 4 products.
      expect(inputDimension(plan.schema)).toBe(16);
    },
  );

  it('fills the new defaults without changing what was written', () => {
    const plan = parseTrainingPlan(base);
    expect(plan.schema.features[0]).toEqual({
      name: 'x',
      type: 'numeric',
      center: 0,
      scale: 1,
      log1p: false,
      standardize: 'fixed',
      missing: 'error',
    });
    // No decay, no L2 and cross-entropy unless written: what old plans trained with.
    expect(plan.training).toEqual({
      epochs: 1,
      batchSize: 64,
      optimizer: 'adam',
      learningRate: 0.01,
      learningRateDecay: 1,
      fedProxMu: 0,
      l2: 0,
      loss: { type: 'binary_cross_entropy' },
    });
    // What the coordinator stores parses back to itself (members re-parse planJson).
    expect(parseTrainingPlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });
});

describe('parseTrainingPlan: new settings', () => {
  it('accepts missing policies, federated standardization, optimizers, class weights, FedProx, server optimizers and bins', () => {
    const input: TrainingPlanInput = {
      ...base,
      schema: {
        features: [
          { name: 'income', type: 'numeric', log1p: true, standardize: 'federated', missing: 'mean' },
          { name: 'dti', type: 'numeric', missing: 'constant', fill: 0.3 },
          { name: 'region', type: 'categorical', vocabulary: ['n', 's'], missing: 'category' },
        ],
        target: { name: 'default' },
      },
      training: { optimizer: 'rmsprop', classWeights: 'balanced', fedProxMu: 0.01 },
      serverOptimizer: { type: 'fedyogi' },
      evaluation: { bins: 4096 },
    };
    const plan = parseTrainingPlan(input);
    expect(plan.serverOptimizer).toEqual({
      type: 'fedyogi',
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.99,
      epsilon: 1e-3,
    });
    expect(plan.training.classWeights).toBe('balanced');
    expect(inputDimension(plan.schema)).toBe(1 + 1 + 3);
    expect(
      parseTrainingPlan({ ...base, training: { classWeights: { '0': 1, '1': 12.5 } } }).training.classWeights,
    ).toEqual({ '0': 1, '1': 12.5 });
  });

  it('lists every problem at once', () => {
    const p = problems({
      ...base,
      schema: {
        features: [
          { name: 'a', type: 'numeric', missing: 'constant' },
          { name: 'b', type: 'numeric', missing: 'mean', fill: 2 },
          { name: 'c', type: 'numeric', log1p: true, missing: 'constant', fill: -1 },
          { name: 'd', type: 'categorical', vocabulary: ['x', '__missing__'], missing: 'category' },
          { name: 'e', type: 'numeric', standardize: 'global' },
        ],
        target: { name: 'y' },
      },
      training: { optimizer: 'adagrad', classWeights: { '0': 1 }, fedProxMu: -0.1 },
      serverOptimizer: { type: 'fedadam', beta1: 1 },
      evaluation: { bins: 10 },
    });
    expect(p).toEqual(
      expect.arrayContaining([
        'schema.features.0 (a).fill: missing: constant needs a fill value',
        'schema.features.1 (b).fill: fill is only used with missing: constant',
        'schema.features.2 (c).fill: must be >= 0 because the feature applies log1p',
        'schema.features.3 (d).vocabulary: "__missing__" is reserved for missing values (missing: category)',
        expect.stringMatching(/^schema\.features\.4 \(e\)\.standardize: Invalid enum value/),
        expect.stringMatching(/^training\.optimizer: Invalid enum value.*'rmsprop'/),
        'training.classWeights: must be "balanced" or { "0": weight, "1": weight } with positive weights',
        expect.stringMatching(/^training\.fedProxMu: Number must be greater than or equal to 0/),
        expect.stringMatching(/^serverOptimizer\.beta1: Number must be less than 1/),
        expect.stringMatching(/^evaluation\.bins: Number must be greater than or equal to 1000/),
      ]),
    );
  });

  it('still checks the secure-aggregation parameters when another section is malformed', () => {
    const p = problems({ ...base, training: { optimizer: 7 }, aggregation: { secure: { parameterSet: 'nope' } } });
    expect(p).toEqual([
      expect.stringMatching(/^training\.optimizer: /),
      expect.stringMatching(/^aggregation\.secure\.parameterSet: unknown parameter set/),
    ]);
  });

  it('sizes plaintext plans like secure ones: their histograms and statistics are the same limbs', () => {
    for (const mode of ['secure', 'plaintext'] as const) {
      expect(problems({ ...base, rounds: { maxParticipants: 10000 }, aggregation: { mode } })).toEqual([
        expect.stringMatching(/^rounds\.maxParticipants: .*10000 participants leave only/),
      ]);
      expect(
        parseTrainingPlan({ ...base, rounds: { maxParticipants: 100 }, aggregation: { mode } }).rounds,
      ).toMatchObject({ maxParticipants: 100 });
    }
  });
});

describe('parseTrainingPlan: tfjs_layers', () => {
  const layers = {
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [
        denseJson(8, 'relu', { batch_input_shape: [null, 1] }),
        { class_name: 'Dropout', config: { rate: 0.2 } },
        denseJson(1, 'sigmoid'),
      ],
    },
  };

  it('accepts Dense and Dropout ending in one sigmoid unit and sizes it', () => {
    const plan = parseTrainingPlan({ ...base, model: { template: 'tfjs_layers', layers } });
    expect(plan.model).toEqual({ template: 'tfjs_layers', layers });
    expect(modelLayout(plan).tensors.map((t) => [t.name, t.shape])).toEqual([
      ['dense_0/kernel', [1, 8]],
      ['dense_0/bias', [8]],
      ['dense_1/kernel', [8, 1]],
      ['dense_1/bias', [1]],
    ]);
  });

  it('accepts model.json (modelTopology) and a bare layer array, and a Dense without bias', () => {
    const noBias = [denseJson(3, 'tanh', { use_bias: false }), denseJson(1, 'sigmoid')];
    expect(
      modelLayout(parseTrainingPlan({ ...base, model: { template: 'tfjs_layers', layers: noBias } })).numParams,
    ).toBe(3 + 3 + 1);
    expect(() =>
      parseTrainingPlan({ ...base, model: { template: 'tfjs_layers', layers: { modelTopology: layers } } }),
    ).not.toThrow();
  });

  it('names the index and class of every refused layer', () => {
    const p = problems({
      ...base,
      model: {
        template: 'tfjs_layers',
        layers: [
          { class_name: 'Conv2D', config: { filters: 4 } },
          denseJson(4, 'leaky', { kernel_regularizer: { class_name: 'L2' } }),
          { class_name: 'Dropout', config: { rate: 1.5 } },
          denseJson(2, 'softmax'),
        ],
      },
    });
    expect(p).toEqual([
      'model.layers: layer 0 (Conv2D): not supported; only Dense and Dropout layers (and a leading InputLayer)',
      expect.stringMatching(/^model\.layers: layer 1 \(Dense\): activation "leaky" is not supported/),
      'model.layers: layer 1 (Dense): kernel_regularizer is not supported',
      'model.layers: layer 2 (Dropout): rate must be a number in [0, 1), got 1.5',
      expect.stringMatching(/^model\.layers: layer 3 \(Dense\): activation "softmax" is not supported/),
    ]);
    expect(
      problems({
        ...base,
        model: { template: 'tfjs_layers', layers: [{ class_name: 'Flatten' }, denseJson(2, 'relu')] },
      }),
    ).toEqual([
      'model.layers: layer 0 (Flatten): not supported; only Dense and Dropout layers (and a leading InputLayer)',
      'model.layers: layer 1 (Dense): the model must end in a Dense layer with 1 unit and sigmoid activation',
    ]);
    expect(
      problems({ ...base, model: { template: 'tfjs_layers', layers: { class_name: 'Functional', config: {} } } }),
    ).toEqual(['model.layers: only a Sequential model is supported, got class_name "Functional"']);
    expect(problems({ ...base, model: { template: 'tfjs_layers' } })).toEqual([
      expect.stringMatching(/^model\.layers: Required/),
    ]);
  });

  it('refuses a declared input width that differs from the schema', () => {
    expect(
      problems({
        ...base,
        model: { template: 'tfjs_layers', layers: [denseJson(1, 'sigmoid', { batch_input_shape: [null, 5] })] },
      }),
    ).toEqual(['model.layers: the first layer declares 5 inputs but the schema encodes 1 columns']);
  });
});

describe('parseTrainingPlan: selection and training schedule', () => {
  it('takes a selection policy, decay, server learning rate and L2', () => {
    const plan = parseTrainingPlan({
      ...base,
      selection: { metric: 'log_loss', patience: 3, minImprovement: 0.0005, promotionMargin: 0.001 },
      training: { learningRate: 0.05, learningRateDecay: 0.9, l2: 0.001 },
      serverOptimizer: { type: 'fedavg', learningRate: 0.5 },
      holdout: { validationFraction: 0.4 },
    });
    expect(plan.selection).toEqual({ metric: 'log_loss', patience: 3, minImprovement: 0.0005, promotionMargin: 0.001 });
    expect(plan.training).toMatchObject({ learningRateDecay: 0.9, l2: 0.001 });
    expect(plan.serverOptimizer).toEqual({ type: 'fedavg', learningRate: 0.5 });
    expect(plan.holdout).toMatchObject({ fraction: 0.2, validationFraction: 0.4 });
  });

  it('names every bad setting once', () => {
    const found = problems({
      ...base,
      selection: { metric: 'gini', patience: 0 },
      training: { learningRateDecay: 0 },
      holdout: { validationFraction: 1 },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^selection\.metric: .*'auc' \| 'ks' \| 'log_loss' \| 'brier'/),
        expect.stringMatching(/^selection\.patience: /),
        expect.stringMatching(/^training\.learningRateDecay: /),
        expect.stringMatching(/^holdout\.validationFraction: /),
      ]),
    );
    expect(new Set(found).size).toBe(found.length);
  });
});

describe('training.loss', () => {
  const withLoss = (training: Record<string, unknown>) => ({ ...base, training });

  it('defaults to binary cross-entropy; "focal" is shorthand for gamma 2 without alpha', () => {
    expect(parseTrainingPlan(base).training.loss).toEqual({ type: 'binary_cross_entropy' });
    expect(parseTrainingPlan(withLoss({ loss: 'focal' })).training.loss).toEqual({ type: 'focal', gamma: 2 });
    expect(parseTrainingPlan(withLoss({ loss: { type: 'focal', gamma: 1.5, alpha: 0.75 } })).training.loss).toEqual({
      type: 'focal',
      gamma: 1.5,
      alpha: 0.75,
    });
  });

  it('names what is wrong with a loss and how to fix it', () => {
    expect(problems(withLoss({ loss: 'mse' }))).toEqual([
      'training.loss.type: must be one of "binary_cross_entropy", "focal"',
    ]);
    expect(problems(withLoss({ loss: { type: 'focal', gamma: -1 } }))).toEqual([
      'training.loss.gamma: must be >= 0 (0 is plain cross-entropy; 2 is usual)',
    ]);
    expect(problems(withLoss({ loss: { type: 'focal', gamma: 12 } }))[0]).toMatch(
      /^training\.loss\.gamma: must be <= 10/,
    );
    expect(problems(withLoss({ loss: { type: 'focal', alpha: 1 } }))).toEqual([
      'training.loss.alpha: must be strictly between 0 and 1 (weight of target = 1 rows; target = 0 rows get 1 - alpha)',
    ]);
    expect(problems(withLoss({ loss: { type: 'binary_cross_entropy', gamma: 2 } }))[0]).toMatch(
      /^training\.loss: Unrecognized key.*gamma/,
    );
    expect(problems(withLoss({ loss: { type: 'focal', alpha: 0.25 }, classWeights: 'balanced' }))).toEqual([
      'training.loss.alpha: weighs the classes, and so does training.classWeights: keep one of them',
    ]);
    // Class weights with a focal loss without alpha are fine: one weighting, one focusing.
    expect(parseTrainingPlan(withLoss({ loss: 'focal', classWeights: 'balanced' })).training.loss.type).toBe('focal');
  });
});

describe('plan schema: target mapping, exclusion, unknown categories', () => {
  const plan = (schema: Record<string, unknown>) => ({
    name: 'p',
    model: { template: 'logistic_regression' },
    schema: { features: [{ name: 'x', type: 'numeric' }], ...schema },
  });

  it('reads every target form as { name, positive? } and defaults unknownCategory to __other__', () => {
    expect(parseTrainingPlan(plan({ target: 'y' })).schema.target).toEqual({ name: 'y' });
    expect(parseTrainingPlan(plan({ target: { name: 'y' } })).schema.target).toEqual({ name: 'y' });
    const mapped = parseTrainingPlan(plan({ target: { column: 'y', positive: ['bad', ' yes '] } }));
    expect(mapped.schema.target).toEqual({ name: 'y', positive: ['bad', 'yes'] });
    expect(mapped.schema.unknownCategory).toBe('__other__');
    // What a plan reads back as is itself a valid plan (the coordinator stores and re-parses it).
    expect(parseTrainingPlan({ ...mapped }).schema).toEqual(mapped.schema);
  });

  it('lists each schema problem once, naming the column', () => {
    const found = problems(
      plan({
        features: [
          { name: 'x', type: 'numeric' },
          { name: 'job', type: 'categorical', vocabulary: ['a'], unknownCategory: 'drop' },
        ],
        target: { column: 'y', positive: [] },
        exclude: ['id', 'x', 'id'],
        unknownCategory: 'keep',
      }),
    );
    expect(found).toHaveLength(5);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema\.features\.1 \(job\)\.unknownCategory: Invalid enum value/),
        expect.stringMatching(/^schema\.target\.positive: Array must contain at least 1/),
        expect.stringMatching(/^schema\.unknownCategory: Invalid enum value/),
        'schema.exclude: column "id" is excluded twice',
        'schema.exclude: column "x" is both excluded and used by the plan',
      ]),
    );
    expect(problems(plan({ target: { positive: ['1'] } }))).toEqual([
      'schema.target: name the target column: target: { column: "..." }',
    ]);
  });
});
