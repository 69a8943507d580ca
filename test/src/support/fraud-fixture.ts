import * as fs from 'fs';
import * as path from 'path';
import { initialWeights, modelLayout, readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { writeFraudConsortium, type WrittenFraudBank } from '@syndicate/examples';

export const FRAUD_PLAN_FILE = path.resolve(__dirname, '..', '..', '..', 'examples', 'fraud', 'plan.json');

export function fraudPlan(seed = 42): TrainingPlan {
  return { ...readPlanFile(FRAUD_PLAN_FILE), seed };
}

/** A model file as `syndicate-agent model pull --out model.json` writes it, with the plan's seeded weights. */
export function writeModelFile(
  file: string,
  version: string,
  plan: TrainingPlan,
  weights = initialWeights(plan),
): string {
  const tensors = modelLayout(plan).tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    values: Array.from(weights.subarray(t.offset, t.offset + t.size)),
  }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({
      modelVersionId: version,
      roundNumber: 1,
      numParams: weights.length,
      schema: plan.schema,
      model: plan.model,
      tensors,
    }),
  );
  return file;
}

/** The smallest bank of the fraud consortium at a fraction of its size: a few thousand time-ordered transactions. */
export async function smallFraudBank(dir: string, scale = 0.1): Promise<WrittenFraudBank> {
  const banks = await writeFraudConsortium(dir, { seed: 7, scale });
  return banks.sort((a, b) => a.rows - b.rows)[0];
}

/** A time-ordered transaction file as JSON request bodies: numbers as numbers, the way a payment switch posts them. */
export function transactionRequests(file: string): Record<string, string | number>[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const body: Record<string, string | number> = {};
    cols.forEach((c, i) => {
      body[c] = c === 'ts' || c === 'amount' ? Number(cells[i]) : cells[i];
    });
    delete body.is_fraud;
    return body;
  });
}
