import { mkdtemp, readFile, rm } from 'fs/promises';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  layersModelTopology,
  logOddsFromScore,
  modelLayout,
  parseTrainingPlan,
  scorecardFromWeights,
  scoreWithScorecard,
  seededRandom,
  weightsManifest,
  type TrainingPlan,
} from '@syndicate/protocol';
import { jsonWeights, type JsonWeights } from '@syndicate/coordinator/dist/models/exports/json-weights';
import { TFJS_WEIGHTS_FILE, writeTfjsModelDir } from '@syndicate/coordinator/dist/models/exports/tfjs-export';
import { buildModel } from '@syndicate/participant';

/**
 * The exported files load in TensorFlow.js itself and predict what the
 * participant SDK's model predicts with the same weights.
 */

const schema = {
  features: [
    { name: 'income', type: 'numeric', log1p: true, center: 10, scale: 1.5 },
    { name: 'utilisation', type: 'numeric', center: 0.4, scale: 0.3 },
    { name: 'region', type: 'categorical', vocabulary: ['north', 'south', 'east'] },
  ],
  target: { name: 'default' },
};
const mlp = parseTrainingPlan({
  name: 'export-mlp',
  schema,
  model: { template: 'mlp', hiddenUnits: [8, 4], activation: 'tanh' },
});
const logistic = parseTrainingPlan({ name: 'export-lr', schema, model: { template: 'logistic_regression' } });
/** A hand-written Sequential: Dropout, a bias-free hard_sigmoid layer, elu, sigmoid output. */
const custom = parseTrainingPlan({
  name: 'export-custom',
  schema,
  model: {
    template: 'tfjs_layers',
    layers: {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dropout', config: { rate: 0.25, batch_input_shape: [null, 5] } },
          { class_name: 'Dense', config: { units: 6, activation: 'hard_sigmoid', use_bias: false } },
          { class_name: 'Dense', config: { units: 3, activation: 'elu' } },
          { class_name: 'Dropout', config: { rate: 0.1 } },
          { class_name: 'Dense', config: { units: 1, activation: 'sigmoid' } },
        ],
      },
    },
  },
});

/** The participant SDK's own model (what members train and score with), holding `weights`. */
const sdkModel = (plan: TrainingPlan, weights: Float32Array): tf.Sequential => buildModel(tf, plan, weights);

function randomWeights(plan: TrainingPlan, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: modelLayout(plan).numParams }, () => (random() * 2 - 1) * 1.2);
}

const RAW_ROWS = (() => {
  const random = seededRandom(17);
  return Array.from({ length: 64 }, () => ({
    income: Math.round(random() * 150000),
    utilisation: random() * 1.1,
    region: ['north', 'south', 'east'][Math.floor(random() * 3)],
  }));
})();

/** The plan's encoding, written out for this schema. */
function encode(rows: typeof RAW_ROWS): number[][] {
  return rows.map((r) => [
    (Math.log1p(r.income) - 10) / 1.5,
    (r.utilisation - 0.4) / 0.3,
    ...['north', 'south', 'east'].map((v) => (r.region === v ? 1 : 0)),
  ]);
}

function predict(model: tf.LayersModel, x: number[][]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(x)) as tf.Tensor).dataSync() as Float32Array);
}

/** A forward pass over the plain-JSON export, in double precision, with no TensorFlow. */
function jsonForward(doc: JsonWeights, x: number[]): number {
  const act: Record<string, (v: number) => number> = {
    relu: (v) => Math.max(0, v),
    tanh: Math.tanh,
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    hardSigmoid: (v) => Math.max(0, Math.min(1, 0.2 * v + 0.5)),
    elu: (v) => (v > 0 ? v : Math.expm1(v)),
  };
  let h = x;
  for (const layer of doc.layers) {
    h = layer.bias.map((b, k) => act[layer.activation](h.reduce((s, v, j) => s + v * layer.kernel[j][k], b)));
  }
  return h[0];
}

/**
 * Node's fetch, with the JSON parsed in the test's own realm: Jest runs tests in a
 * separate VM context, and tfjs's `instanceof Array` checks fail on arrays parsed
 * by Node's fetch in the outer one (in a browser or plain Node the default fetch works).
 */
async function realmFetch(...[url, init]: Parameters<typeof fetch>): Promise<Response> {
  const response = await fetch(url, init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    ok: response.ok,
    status: response.status,
    url: response.url,
    json: async () => JSON.parse(Buffer.from(bytes).toString('utf8')),
    arrayBuffer: async () => Uint8Array.from(bytes).buffer,
  } as Response;
}

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    readFile(path.join(dir, name)).then(
      (body) => {
        res.writeHead(200, {
          'Content-Type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('model export: TensorFlow.js layers-model and plain JSON', () => {
  let dir: string;
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
    dir = await mkdtemp(path.join(tmpdir(), 'model-export-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['MLP', mlp],
    ['logistic regression', logistic],
    ['tfjs_layers with Dropout', custom],
  ])('%s: the topology and manifest are what tfjs itself writes for the SDK model', async (_name, plan) => {
    const model = sdkModel(plan, randomWeights(plan, 1));
    const own = model.toJSON(null, false) as unknown as {
      config: { name: string; layers: { config: Record<string, unknown> }[] };
    };
    const ours = layersModelTopology(plan);
    // The SDK starts from zeros (its weights are set right after); the export names tfjs's Glorot default instead.
    const withoutInit = (layers: { config: Record<string, unknown> }[]) =>
      layers.map((l) => ({ ...l, config: { ...l.config, kernel_initializer: undefined } }));
    expect({ ...ours, config: { name: own.config.name, layers: withoutInit(ours.config.layers) } }).toEqual({
      ...own,
      config: { ...own.config, layers: withoutInit(own.config.layers) },
    });

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(saved?.weightSpecs).toEqual(weightsManifest(modelLayout(plan)));
    // tfjs accepts our JSON as a model description on its own.
    const rebuilt = await tf.models.modelFromJSON({
      modelTopology: ours as unknown as tf.io.ModelJSON['modelTopology'],
    });
    expect(rebuilt.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    model.dispose();
    rebuilt.dispose();
  });

  it.each([
    ['MLP', mlp, 2],
    ['logistic regression', logistic, 3],
    ['tfjs_layers with Dropout', custom, 5],
  ])('%s: tf.loadLayersModel over HTTP predicts what the SDK model predicts (1e-6)', async (name, plan, seed) => {
    const weights = randomWeights(plan, seed);
    const out = path.join(dir, String(name).replace(/\W+/g, '-'));
    await writeTfjsModelDir(out, plan, weights, { planSha256: 'cd'.repeat(32), roundNumber: 7 });
    const server = await serve(out);
    try {
      const loaded = await tf.loadLayersModel(`${server.url}/model.json`, { fetchFunc: realmFetch });
      const reference = sdkModel(plan, weights);
      const x = encode(RAW_ROWS);
      const got = predict(loaded, x);
      const want = predict(reference, x);
      expect(got.length).toBe(RAW_ROWS.length);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
      // The weights arrive bit for bit.
      const loadedWeights = loaded.getWeights().map((w) => Array.from(w.dataSync()));
      expect(Float32Array.from(loadedWeights.flat())).toEqual(weights);
      const meta = loaded.getUserDefinedMetadata() as {
        syndicate: { plan: { name: string; sha256: string }; roundNumber: number; inputDim: number };
      };
      expect(meta.syndicate).toMatchObject({
        plan: { name: plan.name, sha256: 'cd'.repeat(32) },
        roundNumber: 7,
        inputDim: 5,
      });

      // The plain-JSON export describes the same function.
      const doc = jsonWeights(plan, weights);
      x.forEach((row, i) => expect(Math.abs(jsonForward(doc, row) - want[i])).toBeLessThan(1e-6));
      loaded.dispose();
      reference.dispose();
    } finally {
      await server.close();
    }
    const files = [TFJS_WEIGHTS_FILE, 'model.json'];
    for (const f of files) expect((await readFile(path.join(out, f))).length).toBeGreaterThan(0);
  });

  it('logistic regression: the scorecard score maps back to the tfjs model probability', () => {
    const weights = randomWeights(logistic, 4);
    const model = sdkModel(logistic, weights);
    const card = scorecardFromWeights(logistic, weights);
    const p = predict(model, encode(RAW_ROWS));
    RAW_ROWS.forEach((row, i) => {
      const fromCard = 1 / (1 + Math.exp(-logOddsFromScore(card, scoreWithScorecard(card, row))));
      expect(Math.abs(fromCard - p[i])).toBeLessThan(1e-6);
    });
    model.dispose();
  });
});
