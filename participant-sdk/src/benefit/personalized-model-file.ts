import * as path from 'path';
import type { TrainingPlan } from '@syndicate/protocol';
import { writePrivateFile } from '../common/private-file';
import type { ChosenModel } from './benefit-report';

/** Where `benefit` records the model this bank chose for its own use (validation rows decided it). */
export const personalizedModelPath = (stateDir: string): string => path.join(stateDir, 'personalized-model.json');

/** Scaling of each standardised numeric feature: what the local-only weights expect of their inputs. */
const scalingOf = (plan: TrainingPlan) =>
  Object.fromEntries(
    plan.schema.features.flatMap((f) => (f.type === 'numeric' ? [[f.name, { center: f.center, scale: f.scale }]] : [])),
  );

/**
 * Records the bank's chosen model next to its keys (private, like everything the agent keeps):
 * which of global, local-only, fine-tuned or blend, the blend weight, and the parameters needed
 * to score with it (flat weights in the plan's layout; the local-only model's own feature scaling).
 */
export function savePersonalizedModel(
  stateDir: string,
  chosen: ChosenModel,
  globalModel: { modelVersionId: string | null; roundNumber: number | null },
): string {
  const file = personalizedModelPath(stateDir);
  const body = {
    model: chosen.model,
    ...(chosen.model === 'blend' ? { alpha: chosen.alpha } : {}),
    globalModel,
    ...(chosen.weights ? { weights: Array.from(chosen.weights) } : {}),
    ...(chosen.localWeights ? { localWeights: Array.from(chosen.localWeights) } : {}),
    ...(chosen.localPlan ? { localScaling: scalingOf(chosen.localPlan) } : {}),
  };
  writePrivateFile(file, `${JSON.stringify(body)}\n`);
  return file;
}
