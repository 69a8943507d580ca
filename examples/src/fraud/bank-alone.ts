import * as fs from 'fs';
import { exactRecallAtFpr, type TrainingPlan } from '@syndicate/protocol';
import { agentSplit, loadCsvDataset, predict, trainRounds } from '@syndicate/participant';

export interface AloneVsConsortium {
  bank: string;
  testRows: number;
  testFrauds: number;
  recallAlone: number;
  recallConsortium: number;
  maxFpr: number;
}

/**
 * The question the smallest bank asks: on its own test rows (the holdout its
 * agent kept out of training), what recall at the alert budget does it get
 * from a model trained on its data alone (same plan and rounds) and from the
 * consortium's model? Figures stay with the bank.
 */
export async function aloneVsConsortium(o: {
  plan: TrainingPlan;
  bank: { name: string; path: string };
  globalWeightsFile: string;
  rounds: number;
  maxFpr: number;
}): Promise<AloneVsConsortium> {
  const { train, holdout } = agentSplit(o.plan, await loadCsvDataset(o.bank.path, o.plan.schema));
  const alone = await trainRounds({ plan: o.plan, data: train, rounds: o.rounds });
  const raw = fs.readFileSync(o.globalWeightsFile);
  const global = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const recall = async (w: Float32Array) =>
    exactRecallAtFpr(await predict(o.plan, w, holdout), holdout.labels, o.maxFpr).recall;
  return {
    bank: o.bank.name,
    testRows: holdout.rows,
    testFrauds: holdout.labels.reduce((a, y) => a + y, 0),
    recallAlone: await recall(alone),
    recallConsortium: await recall(global),
    maxFpr: o.maxFpr,
  };
}
