import { initialWeights, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { trainLocal } from '../training/local-trainer';

export interface RoundProgress {
  round: number;
  rounds: number;
  /** Mean training loss of the round's last epoch. */
  loss: number;
  seconds: number;
}

export interface TrainRoundsOptions {
  plan: TrainingPlan;
  data: Dataset;
  rounds: number;
  onRound?: (p: RoundProgress) => void;
}

/** Trains a model for `rounds` rounds on one dataset; returns its final weights. */
export type RoundsTrainer = (o: TrainRoundsOptions) => Promise<Float32Array>;

/**
 * What a federation of one would produce: round r trains the plan's local
 * epochs from round r-1's result, seeded with r as the agent seeds round r,
 * starting from the plan's initial weights (the consortium's model version 0).
 */
export const trainRounds: RoundsTrainer = async (o) => {
  if (!Number.isInteger(o.rounds) || o.rounds < 1)
    throw new Error(`rounds must be a positive integer, got ${o.rounds}`);
  let weights = initialWeights(o.plan);
  for (let round = 1; round <= o.rounds; round++) {
    const r = await trainLocal({ plan: o.plan, globalWeights: weights, data: o.data, seed: round, round });
    weights = r.weights;
    o.onRound?.({ round, rounds: o.rounds, loss: r.finalLoss, seconds: r.seconds });
  }
  return weights;
};
