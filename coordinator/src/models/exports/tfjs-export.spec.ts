import { mkdtemp, readFile, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import { decodeFloat32, initialWeights, modelLayout, parseTrainingPlan } from '@syndicate/protocol';
import { TFJS_WEIGHTS_FILE, tfjsModelArtifacts, writeTfjsModelDir, type TfjsModelJson } from './tfjs-export';

const plan = parseTrainingPlan({
  name: 'credit-mlp',
  schema: {
    features: [
      { name: 'income', type: 'numeric', log1p: true, center: 10, scale: 2 },
      { name: 'segment', type: 'categorical', vocabulary: ['retail', 'sme'] },
    ],
    target: { name: 'default' },
  },
  model: { template: 'mlp', hiddenUnits: [4], activation: 'relu' },
});

describe('tfjsModelArtifacts', () => {
  const weights = initialWeights(plan);

  it('writes a layers-model model.json whose manifest points at the shard, with the input encoding', () => {
    const artifacts = tfjsModelArtifacts(plan, weights, {
      planSha256: 'ab'.repeat(32),
      modelVersionId: 'mdl_1',
      roundNumber: 3,
    });
    const json = JSON.parse(artifacts['model.json'].toString('utf8')) as TfjsModelJson;
    expect(json).toMatchObject({ format: 'layers-model', generatedBy: 'syndicate', convertedBy: null });
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toEqual([
      {
        paths: [TFJS_WEIGHTS_FILE],
        weights: [
          { name: 'dense_0/kernel', shape: [3, 4], dtype: 'float32' },
          { name: 'dense_0/bias', shape: [4], dtype: 'float32' },
          { name: 'dense_1/kernel', shape: [4, 1], dtype: 'float32' },
          { name: 'dense_1/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
    const meta = json.userDefinedMetadata.syndicate;
    expect(meta).toMatchObject({
      plan: { name: 'credit-mlp', sha256: 'ab'.repeat(32) },
      modelVersionId: 'mdl_1',
      roundNumber: 3,
      target: 'default',
      inputDim: 3,
    });
    expect(meta.inputEncoding).toEqual([
      expect.objectContaining({
        feature: 'income',
        type: 'numeric',
        column: 0,
        transform: 'log1p',
        center: 10,
        scale: 2,
        formula: '(log1p(x) - 10) / 2',
      }),
      expect.objectContaining({
        feature: 'segment',
        type: 'categorical',
        firstColumn: 1,
        categories: ['retail', 'sme'],
      }),
    ]);
  });

  it('stores the flat vector as little-endian float32, byte for byte', () => {
    const bin = tfjsModelArtifacts(plan, weights)[TFJS_WEIGHTS_FILE];
    expect(bin.length).toBe(modelLayout(plan).numParams * 4);
    expect(decodeFloat32(bin)).toEqual(weights);
  });

  it('refuses a weight vector of the wrong length', () => {
    expect(() => tfjsModelArtifacts(plan, new Float32Array(5))).toThrow(/has 5 parameters, the model has 21/);
  });

  it('writes both files into a new directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfjs-export-'));
    try {
      const out = path.join(dir, 'nested', 'model');
      const written = await writeTfjsModelDir(out, plan, weights);
      expect(written.map((f) => path.basename(f)).sort()).toEqual([TFJS_WEIGHTS_FILE, 'model.json'].sort());
      expect(decodeFloat32(await readFile(path.join(out, TFJS_WEIGHTS_FILE)))).toEqual(weights);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
