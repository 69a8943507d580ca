import { witnessAuditHead } from '../audit-witness';
import type { TaskExecutor } from './task-executor';

/** TASK_TYPE_WITNESS_AUDIT: sign the audit head after a round this member took part in, keeping a copy. */
export const auditWitnessExecutor: TaskExecutor = {
  async execute(task, ctx) {
    // Without a state directory there is nowhere to keep what was signed, and a witness nobody keeps proves nothing.
    if (!ctx.files.stateDir) {
      ctx.logger.warn({ roundId: task.roundId }, 'audit head not witnessed: the agent runs without a state directory');
      return;
    }
    const record = await witnessAuditHead({ task, identity: ctx.identity, stateDir: ctx.files.stateDir });
    ctx.logger.info({ roundId: task.roundId, seq: record.seq }, 'witnessed the audit head');
  },
};
