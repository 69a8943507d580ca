import type { Task } from '@syndicate/protocol';
import { newId } from '../common/ids';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import type { TaskStandardization } from '../standardization/standardization.service';
import type { Round } from './round.entity';
import { roundMode } from './round-mode';

/** The round-derived fields every task of a round shares. `parameterSet` is the plan's; plaintext rounds send none. */
export function roundTask(round: Round, type: Task['type'], parameterSet: string, std: TaskStandardization): Task {
  return {
    taskId: newId('tsk'),
    type,
    roundId: round.id,
    roundNumber: round.number,
    modelVersionId: round.baseModelVersionId,
    deadlineUnixMs: String(type === 'TASK_TYPE_COUNT' ? (round.countDeadlineAt ?? round.deadlineAt) : round.deadlineAt),
    keyEpoch: round.keyEpoch,
    parameterSet: roundMode(round).taskParameterSet(parameterSet),
    ...std,
  };
}

export const trainTask = (round: Round, parameterSet: string, std: TaskStandardization): Task =>
  roundTask(round, 'TASK_TYPE_TRAIN', parameterSet, std);

export const countTask = (round: Round, parameterSet: string, std: TaskStandardization): Task =>
  roundTask(round, 'TASK_TYPE_COUNT', parameterSet, std);

export const applyTask = (round: Round, parameterSet: string, publisher: boolean, std: TaskStandardization): Task => ({
  ...roundTask(round, 'TASK_TYPE_APPLY', parameterSet, std),
  publisher,
});

export function evaluateTask(
  round: Round,
  ev: Pick<ModelEvaluation, 'modelVersionId' | 'deadlineAt'>,
  parameterSet: string,
  std: TaskStandardization,
  type: 'TASK_TYPE_EVALUATE' | 'TASK_TYPE_EVALUATION_RESULT' = 'TASK_TYPE_EVALUATE',
): Task {
  return {
    ...roundTask(round, type, parameterSet, std),
    modelVersionId: ev.modelVersionId,
    deadlineUnixMs: String(ev.deadlineAt),
  };
}
