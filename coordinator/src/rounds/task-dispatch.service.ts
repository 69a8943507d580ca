import { Injectable } from '@nestjs/common';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import { TaskHub } from '../tasks/task-hub';
import { StandardizationService } from '../standardization/standardization.service';
import type { Round } from './round.entity';
import { applyTask, countTask, evaluateTask, trainTask } from './round-tasks';

/** Builds a round's tasks from the plan in force and pushes them to the members connected here. */
@Injectable()
export class TaskDispatch {
  constructor(
    private readonly standardization: StandardizationService,
    private readonly hub: TaskHub,
  ) {}

  /** Agents connected to this replica. */
  connected(): string[] {
    return this.hub.connectedIds();
  }

  async train(round: Round, to: string[]): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    for (const id of to) this.hub.push(id, trainTask(round, plan.aggregation.secure.parameterSet, std));
  }

  /** `parameterSet`: the key epoch's when one was just dealt, else the plan's. */
  async count(round: Round, to: string[], parameterSet?: string): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    const set = parameterSet ?? plan.aggregation.secure.parameterSet;
    for (const id of to) this.hub.push(id, countTask(round, set, std));
  }

  async apply(round: Round, to: string[], publisherId: string | null): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    for (const id of to)
      this.hub.push(id, applyTask(round, plan.aggregation.secure.parameterSet, id === publisherId, std));
  }

  async evaluate(
    round: Round,
    ev: ModelEvaluation,
    to: string[],
    type: 'TASK_TYPE_EVALUATE' | 'TASK_TYPE_EVALUATION_RESULT' = 'TASK_TYPE_EVALUATE',
  ): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    for (const id of to) this.hub.push(id, evaluateTask(round, ev, plan.aggregation.secure.parameterSet, std, type));
  }
}
