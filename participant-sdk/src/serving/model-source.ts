import * as fs from 'fs';
import { parseTrainingPlanJson, readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { pullModel } from '../agent/model-pull';
import { effectivePlan } from '../agent/standardization-file';
import type { AgentTransport } from '../agent/transport';
import { loadIdentity } from '../crypto/identity-store';
import { personalizedModelPath } from '../benefit/personalized-model-file';
import { loadPersonalizedModel } from './personalized-scoring';
import { loadScoringModel, ScoringModel } from './scoring-model';

/** Where `serve` gets a model version from, each time it (re)loads. */
export type ModelSource =
  | { kind: 'file'; file: string; planFile?: string }
  /** The federation's champion (or the version asked for), pulled and (members-only) decrypted with this member's epoch key. */
  | {
      kind: 'coordinator';
      stateDir: string;
      transport?: AgentTransport;
      modelVersionId?: string;
      /** Score with the consortium's champion even when this bank chose its own model (`benefit`). */
      consortium?: boolean;
    };

export async function loadFromSource(s: ModelSource): Promise<ScoringModel> {
  if (s.kind === 'file') {
    const plan: TrainingPlan | undefined = s.planFile ? readPlanFile(s.planFile) : undefined;
    return loadScoringModel(s.file, plan);
  }
  const stored = loadIdentity(s.stateDir);
  if (!stored) throw new Error(`${s.stateDir} holds no enrollment; run syndicate-agent enroll first`);
  const plan = effectivePlan(s.stateDir, parseTrainingPlanJson(stored.planJson));
  // The bank's own choice (made on its validation rows) is its default model; a version asked for is not.
  const chosen = personalizedModelPath(s.stateDir);
  if (!s.modelVersionId && !s.consortium && fs.existsSync(chosen)) return loadPersonalizedModel(chosen, plan);
  const m = await pullModel({ stateDir: s.stateDir, transport: s.transport, modelVersionId: s.modelVersionId });
  return new ScoringModel(m.modelVersionId, plan, m.weights);
}
