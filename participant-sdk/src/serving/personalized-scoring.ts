import * as fs from 'fs';
import { featureWidth, modelLayout, type TrainingPlan } from '@syndicate/protocol';
import { DenseScorer } from './dense-scorer';
import { ScoringModel } from './scoring-model';

/** What `syndicate-agent benefit` records in personalized-model.json (see personalized-model-file.ts). */
interface PersonalizedFile {
  model?: string;
  alpha?: number;
  globalModel?: { modelVersionId: string | null };
  weights?: number[];
  localWeights?: number[];
  localScaling?: Record<string, { center: number; scale: number }>;
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The local-only weights re-expressed for the consortium's encoding: they were fitted on features
 * scaled with this bank's own center and scale, and a standardised input is affine in the other
 * scaling (x_local = a * x_global + c), so the first layer absorbs a and c exactly. Both models
 * then read one encoded row. (A missing value under `missing: mean` encodes as 0 in either scaling,
 * which the fold maps to the consortium's mean rather than the bank's: a small shift on such rows.)
 */
export function foldLocalScaling(
  plan: Pick<TrainingPlan, 'schema' | 'model'>,
  scaling: Record<string, { center: number; scale: number }>,
  localWeights: Float32Array,
): Float32Array {
  const layout = modelLayout(plan);
  const kernel = layout.tensors.find((t) => t.name === 'dense_0/kernel');
  const bias = layout.tensors.find((t) => t.name === 'dense_0/bias');
  if (!kernel) throw new Error("the plan's model has no first dense layer");
  const units = kernel.size / layout.inputDim;
  const out = Float32Array.from(localWeights);
  let column = 0;
  for (const f of plan.schema.features) {
    const own = scaling[f.name];
    if (f.type === 'numeric' && own && (own.center !== f.center || own.scale !== f.scale)) {
      const a = f.scale / own.scale;
      const c = (f.center - own.center) / own.scale;
      if (c !== 0 && !bias) throw new Error(`cannot fold ${f.name}'s scaling into a first layer without bias`);
      for (let u = 0; u < units; u++) {
        const k = kernel.offset + column * units + u;
        if (bias) out[bias.offset + u] += c * localWeights[k];
        out[k] = a * localWeights[k];
      }
    }
    column += featureWidth(f);
  }
  return out;
}

/** alpha * global + (1 - alpha) * local-only scores, read as one model (log-odds of the blended score). */
class BlendScorer extends DenseScorer {
  constructor(
    plan: Pick<TrainingPlan, 'schema' | 'model'>,
    global: Float32Array,
    private readonly local: DenseScorer,
    private readonly alpha: number,
  ) {
    super(plan, global);
  }

  private blend(g: number, l: number): number {
    return logit(this.alpha * sigmoid(g) + (1 - this.alpha) * sigmoid(l));
  }

  override logit(x: ArrayLike<number>): number {
    return this.blend(super.logit(x), this.local.logit(x));
  }

  override occludedLogits(x: ArrayLike<number>, ranges: readonly (readonly [number, number])[]): Float64Array {
    const g = super.occludedLogits(x, ranges);
    const l = this.local.occludedLogits(x, ranges);
    return g.map((v, i) => this.blend(v, l[i]));
  }
}

/**
 * The model this bank chose for its own use (`benefit`, on its validation rows): the champion,
 * its fine-tuned version, the bank's local-only model or a blend of scores, ready to score rows
 * encoded as the consortium encodes them (`plan`, the effective plan).
 */
export function loadPersonalizedModel(file: string, plan: TrainingPlan): ScoringModel {
  let p: PersonalizedFile;
  try {
    p = JSON.parse(fs.readFileSync(file, 'utf8')) as PersonalizedFile;
  } catch (err) {
    throw new Error(`${file} cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const from = p.globalModel?.modelVersionId ?? 'unversioned';
  const version = `personalized:${p.model}@${from}`;
  const need = (w: number[] | undefined, what: string) => {
    if (!Array.isArray(w))
      throw new Error(`${file} chose ${p.model} but holds no ${what}; run syndicate-agent benefit again`);
    return Float32Array.from(w);
  };
  const local = () => foldLocalScaling(plan, p.localScaling ?? {}, need(p.localWeights, 'localWeights'));
  switch (p.model) {
    case 'global':
    case 'fine_tuned':
      return new ScoringModel(version, plan, need(p.weights, 'weights'));
    case 'local_only':
      return new ScoringModel(version, plan, local());
    case 'blend': {
      const alpha = p.alpha;
      if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1))
        throw new Error(`${file}: blend needs alpha in [0, 1]`);
      const global = need(p.weights, 'weights');
      return new ScoringModel(
        version,
        plan,
        global,
        new BlendScorer(plan, global, new DenseScorer(plan, local()), alpha),
      );
    }
    default:
      throw new Error(`${file}: unknown model ${JSON.stringify(p.model)} (global, local_only, fine_tuned or blend)`);
  }
}
