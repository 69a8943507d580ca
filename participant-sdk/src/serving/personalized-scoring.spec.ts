import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { modelLayout, parseTrainingPlanJson, seededRandom, type TrainingPlan } from '@syndicate/protocol';
import { savePersonalizedModel } from '../benefit/personalized-model-file';
import { newKeyMaterial, saveIdentity } from '../crypto/identity-store';
import { rowEncoder } from '../data/encode-row';
import { DenseScorer } from './dense-scorer';
import { loadFromSource } from './model-source';
import { foldLocalScaling, loadPersonalizedModel } from './personalized-scoring';

const plan = (scaling: { center: number; scale: number }[], template: 'logistic_regression' | 'mlp'): TrainingPlan =>
  parseTrainingPlanJson(
    JSON.stringify({
      name: 'personal-scoring',
      schema: {
        features: [
          { name: 'income', type: 'numeric', log1p: true, ...scaling[0] },
          { name: 'segment', type: 'categorical', vocabulary: ['a', 'b', 'c'] },
          { name: 'utilisation', type: 'numeric', ...scaling[1] },
        ],
        target: { name: 'default' },
      },
      model: template === 'mlp' ? { template, hiddenUnits: [5], activation: 'tanh' } : { template },
      aggregation: { mode: 'plaintext' },
    }),
  );
const consortium = [
  { center: 10.8, scale: 0.5 },
  { center: 0.45, scale: 0.25 },
];
const own = [
  { center: 10.2, scale: 0.7 },
  { center: 0.6, scale: 0.2 },
];
const row = { income: '52000', segment: 'b', utilisation: '0.83', default: '0' };
const encode = (p: TrainingPlan) => {
  const e = rowEncoder(p.schema);
  const x = new Float32Array(e.inputDim);
  expect(e.encode(row, x, 0).ok).toBe(true);
  return x;
};
const randomWeights = (p: TrainingPlan, seed: number) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: modelLayout(p).numParams }, () => r() - 0.5);
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("scoring with the bank's chosen model", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-personal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const template of ['logistic_regression', 'mlp'] as const)
    it(`${template}: local-only weights folded into the consortium's encoding score a row exactly as before`, () => {
      const global = plan(consortium, template);
      const local = plan(own, template);
      const w = randomWeights(local, 3);
      const before = new DenseScorer(local, w).logit(encode(local));
      const scaling = { income: own[0], utilisation: own[1] };
      const after = new DenseScorer(global, foldLocalScaling(global, scaling, w)).logit(encode(global));
      expect(after).toBeCloseTo(before, 4);
    });

  it('reads each choice benefit records: global and fine-tuned weights, local-only, and a blend of scores', () => {
    const global = plan(consortium, 'mlp');
    const local = plan(own, 'mlp');
    const gw = randomWeights(global, 5);
    const lw = randomWeights(local, 6);
    const x = encode(global);
    const g = sigmoid(new DenseScorer(global, gw).logit(x));
    const l = sigmoid(new DenseScorer(local, lw).logit(encode(local)));
    const load = (model: 'global' | 'local_only' | 'fine_tuned' | 'blend', alpha = 0.3) => {
      savePersonalizedModel(
        dir,
        {
          model,
          alpha,
          ...(model === 'local_only' || model === 'blend' ? { localPlan: local, localWeights: lw } : {}),
          ...(model !== 'local_only' ? { weights: gw } : {}),
        },
        { modelVersionId: 'mv_7', roundNumber: 7 },
      );
      return loadPersonalizedModel(path.join(dir, 'personalized-model.json'), global);
    };
    expect(load('global').scoreWithReasons(x).score).toBeCloseTo(g, 6);
    expect(load('fine_tuned').version).toBe('personalized:fine_tuned@mv_7');
    expect(load('local_only').scoreWithReasons(x).score).toBeCloseTo(l, 5);
    const blend = load('blend', 0.3);
    expect(blend.scoreWithReasons(x).score).toBeCloseTo(0.3 * g + 0.7 * l, 5);
    expect(blend.scorer.score(x)).toBeCloseTo(0.3 * g + 0.7 * l, 5);
    // The batch scorer's path blends too (it once scored a blend as the champion alone).
    const batch = new Float64Array(2);
    blend.scorer.scoreBatch(Float32Array.from([...x, ...x]), 2, batch);
    expect(Array.from(batch)).toEqual([blend.scorer.score(x), blend.scorer.score(x)]);
    expect(batch[0]).not.toBeCloseTo(g, 3);
    expect(blend.portable()).toBeUndefined();
    expect(load('global').portable()?.weights).toEqual(gw);
    expect(blend.scoreWithReasons(x).reasons.length).toBeGreaterThan(0);
  });

  it('serve and score default to the chosen model; --consortium-model goes to the coordinator', async () => {
    const global = plan(consortium, 'logistic_regression');
    saveIdentity(dir, {
      coordinator: '127.0.0.1:9',
      federationId: 'f',
      participantId: 'p',
      keyEpoch: 0,
      planJson: JSON.stringify(global),
      ...newKeyMaterial(),
    });
    savePersonalizedModel(
      dir,
      { model: 'global', alpha: 1, weights: randomWeights(global, 8) },
      {
        modelVersionId: 'mv_3',
        roundNumber: 3,
      },
    );
    const transport = { insecure: true };
    expect((await loadFromSource({ kind: 'coordinator', stateDir: dir, transport })).version).toBe(
      'personalized:global@mv_3',
    );
    // Nothing listens on the coordinator's address: reaching for it is what the flag must do.
    await expect(loadFromSource({ kind: 'coordinator', stateDir: dir, transport, consortium: true })).rejects.toThrow();
  });

  it('names what is wrong with a file it cannot use', () => {
    const global = plan(consortium, 'logistic_regression');
    const file = path.join(dir, 'personalized-model.json');
    fs.writeFileSync(file, JSON.stringify({ model: 'blend', alpha: 0.5 }));
    expect(() => loadPersonalizedModel(file, global)).toThrow(/chose blend but holds no weights/);
    fs.writeFileSync(file, JSON.stringify({ model: 'ensemble' }));
    expect(() => loadPersonalizedModel(file, global)).toThrow(/unknown model "ensemble"/);
    fs.writeFileSync(file, '{');
    expect(() => loadPersonalizedModel(file, global)).toThrow(/cannot be read as JSON/);
  });
});
