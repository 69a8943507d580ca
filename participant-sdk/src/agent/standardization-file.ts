import * as fs from 'fs';
import { writePrivateFile } from '../common/private-file';
import * as path from 'path';
import {
  applyConsortiumStandardization,
  featureStatsFieldsNeeded,
  type FeatureMoments,
  type TrainingPlan,
} from '@syndicate/protocol';

/**
 * The consortium's feature moments as this member applied them. The global
 * model was trained on features scaled with them, so anything that scores it
 * here (benefit, a data scientist's own checks) must scale the same way.
 */
export const standardizationPath = (stateDir: string): string => path.join(stateDir, 'standardization.json');

export function saveStandardization(stateDir: string, moments: FeatureMoments): void {
  writePrivateFile(
    standardizationPath(stateDir),
    `${JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares })}\n`,
  );
}

function readMoments(file: string): FeatureMoments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `${file} is not readable JSON (${err instanceof Error ? err.message : String(err)}); delete it and let syndicate-agent run record it again`,
    );
  }
  const m = parsed as Partial<Record<keyof FeatureMoments, unknown>>;
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!m || !numbers(m.count) || !numbers(m.sum) || !numbers(m.sumSquares)) {
    throw new Error(
      `${file} does not hold feature moments (count, sum, sumSquares: arrays of finite numbers); delete it and let syndicate-agent run record it again`,
    );
  }
  return { count: m.count, sum: m.sum, sumSquares: m.sumSquares };
}

/**
 * The plan as the federation trains and scores it: with `standardize: federated`
 * features, scaled by the consortium moments the agent recorded. Without them
 * the global model's scores would be computed on unscaled inputs, so this
 * refuses rather than guess.
 */
export function effectivePlan(stateDir: string, plan: TrainingPlan): TrainingPlan {
  const { features } = featureStatsFieldsNeeded(plan);
  if (features.length === 0) return plan;
  const file = standardizationPath(stateDir);
  if (!fs.existsSync(file)) {
    throw new Error(
      `the plan scales ${features.join(', ')} with consortium statistics, and ${file} does not exist yet: syndicate-agent run records them once the federation has computed them (in its first round); run the agent with this state directory until then`,
    );
  }
  const moments = readMoments(file);
  try {
    return applyConsortiumStandardization(plan, moments);
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
