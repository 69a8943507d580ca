import { dealKeyEpoch } from '../key-ceremony';
import type { TaskExecutor } from './task-executor';

/** KEY_CEREMONY: this member deals the new key epoch. */
export const keyCeremonyExecutor: TaskExecutor = {
  execute: (task, ctx) =>
    dealKeyEpoch({
      task,
      identity: ctx.identity,
      client: ctx.client,
      keys: ctx.keys,
      trust: ctx.trust,
      numParams: ctx.numParams,
      payloadFloats: ctx.payloadFloats,
      logger: ctx.logger,
    }),
};
