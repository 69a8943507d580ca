import { roundMode, type RoundMode } from '../contribution-codec';
import { ensureStandardized } from '../federated-standardization';
import { plainTrainExecutor } from './plain-train-executor';
import { secureTrainExecutor } from './secure-train-executor';
import type { TaskExecutor } from './task-executor';

const byMode: Readonly<Record<RoundMode, TaskExecutor>> = {
  secure: secureTrainExecutor,
  plaintext: plainTrainExecutor,
};

/** TRAIN: local training from the round's global model, sent as the round's mode requires. */
export const trainExecutor: TaskExecutor = {
  async execute(task, ctx) {
    await ensureStandardized(task, ctx);
    await byMode[roundMode(task)].execute(task, ctx);
  },
};
