import * as fs from 'fs';
import type { DataSchema, ModelSpec, TrainingPlan } from '@syndicate/protocol';
import { DenseScorer } from './dense-scorer';
import { scoreReasons, type ScoreReason } from './score-reasons';
import { transactionEncoder, transactionEncoderWith, type EncodedTransaction } from './transaction-encoder';
import type { CardState, CardTransaction } from '@syndicate/protocol';

/** A model version ready to score: its input encoding and weights, with nothing shared with another version. */
export class ScoringModel {
  readonly scorer: DenseScorer;
  readonly encode: ReturnType<typeof transactionEncoder>;
  private readonly encodeWith: ReturnType<typeof transactionEncoderWith>;

  constructor(
    readonly version: string,
    readonly plan: { schema: DataSchema; model: ModelSpec },
    private readonly weights: Float32Array,
    /** A scorer other than the plan's Dense stack on `weights` (a personalised blend). */
    private readonly custom?: DenseScorer,
  ) {
    this.scorer = custom ?? new DenseScorer(plan, weights);
    this.encode = transactionEncoder(plan.schema);
    this.encodeWith = transactionEncoderWith(plan.schema);
  }

  /** What another thread needs to build this model again, when it is the plan's network on its weights. */
  portable(): { version: string; plan: { schema: DataSchema; model: ModelSpec }; weights: Float32Array } | undefined {
    return this.custom ? undefined : { version: this.version, plan: this.plan, weights: this.weights };
  }

  prepare(get: (field: string) => unknown, history: (cardId: string) => CardState | undefined): EncodedTransaction {
    return this.encode(get, history);
  }

  /** `prepare` with the behavioural features given by the caller (the batch scorer's coded histories). */
  prepareWith(get: (field: string) => unknown, features: (tx: CardTransaction) => number[]): EncodedTransaction {
    return this.encodeWith(get, features);
  }

  scoreWithReasons(x: Float32Array, top = 3): { score: number; reasons: ScoreReason[] } {
    const logit = this.scorer.logit(x);
    return { score: 1 / (1 + Math.exp(-logit)), reasons: scoreReasons(this.scorer, this.plan.schema, x, logit, top) };
  }
}

interface PulledModelFile {
  modelVersionId?: string;
  roundNumber?: number;
  schema?: DataSchema;
  model?: ModelSpec;
  tensors?: { name: string; values: number[] }[];
}

/**
 * A model as `syndicate-agent model pull --out model.json` writes it (weights
 * already decrypted by this member, the feature schema with the consortium's
 * scaling). The layer stack comes from the file when it carries one, else
 * from the plan given.
 */
export function loadScoringModel(file: string, plan?: Pick<TrainingPlan, 'model'>): ScoringModel {
  let m: PulledModelFile;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as PulledModelFile;
  } catch (err) {
    throw new Error(`model file ${file} cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!m.schema || !Array.isArray(m.tensors))
    throw new Error(
      `model file ${file} has no schema or tensors; write it with syndicate-agent model pull --out model.json`,
    );
  const model = m.model ?? plan?.model;
  if (!model) throw new Error(`model file ${file} does not say its layers; pass the training plan with --plan`);
  const weights = Float32Array.from(m.tensors.flatMap((t) => t.values));
  return new ScoringModel(m.modelVersionId ?? file, { schema: m.schema, model }, weights);
}
