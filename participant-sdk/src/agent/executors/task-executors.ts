import type { TaskType__Output } from '@syndicate/protocol';
import { applyExecutor } from './apply-executor';
import { auditWitnessExecutor } from './audit-witness-executor';
import { countExecutor } from './count-executor';
import { evaluateExecutor } from './evaluate-executor';
import { evaluationResultExecutor } from './evaluation-result-executor';
import { keyCeremonyExecutor } from './key-ceremony-executor';
import type { TaskExecutor } from './task-executor';
import { trainExecutor } from './train-executor';

/** One executor per task kind; a kind this agent does not know is settled without work. */
export const TASK_EXECUTORS: Readonly<Partial<Record<TaskType__Output, TaskExecutor>>> = {
  TASK_TYPE_TRAIN: trainExecutor,
  TASK_TYPE_EVALUATE: evaluateExecutor,
  TASK_TYPE_KEY_CEREMONY: keyCeremonyExecutor,
  TASK_TYPE_COUNT: countExecutor,
  TASK_TYPE_APPLY: applyExecutor,
  TASK_TYPE_EVALUATION_RESULT: evaluationResultExecutor,
  TASK_TYPE_WITNESS_AUDIT: auditWitnessExecutor,
};
