import { Injectable } from '@nestjs/common';
import { MaskingSettingsError, planMasking, type ContributionKind, type TrainingPlan } from '@syndicate/protocol';
import { Clock } from '../common/clock';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import { advertDeadline } from '../masking/advert-window';
import { MaskingService } from '../masking/masking.service';
import { TaskHub } from '../tasks/task-hub';
import { StandardizationService } from '../standardization/standardization.service';
import { ContributionPolicy } from './contribution-policy.service';
import type { Round } from './round.entity';
import { applyTask, countTask, evaluateTask, trainTask } from './round-tasks';

/**
 * Builds a round's tasks from the plan in force and pushes them to the members connected here.
 * A secure phase whose plan masks opens its masked sum first, for the members the phase expects
 * (not only those this push reaches: re-offers go to one member at a time).
 */
@Injectable()
export class TaskDispatch {
  constructor(
    private readonly standardization: StandardizationService,
    private readonly hub: TaskHub,
    private readonly masking: MaskingService,
    private readonly policy: ContributionPolicy,
    private readonly clock: Clock,
  ) {}

  /** Agents connected to this replica. */
  connected(): string[] {
    return this.hub.connectedIds();
  }

  async train(round: Round, to: string[]): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    await this.openMasked(round, plan, 'model', round.deadlineAt, () => this.policy.counted(round.id));
    for (const id of to) this.hub.push(id, trainTask(round, plan.aggregation.secure.parameterSet, std));
  }

  /** `parameterSet`: the key epoch's when one was just dealt, else the plan's. */
  async count(round: Round, to: string[], parameterSet?: string): Promise<void> {
    const { plan, std } = await this.standardization.taskContext(round.federationId);
    const set = parameterSet ?? plan.aggregation.secure.parameterSet;
    const deadlineAt = round.countDeadlineAt ?? round.deadlineAt;
    await this.openMasked(round, plan, 'count', deadlineAt, () => this.policy.epochMembers(round));
    if (std.statsRoundId === round.id)
      await this.openMasked(round, plan, 'stats', deadlineAt, () => this.policy.epochMembers(round));
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
    if (type === 'TASK_TYPE_EVALUATE')
      await this.openMasked(round, plan, 'evaluation', ev.deadlineAt, () => this.policy.evaluators(round));
    for (const id of to) this.hub.push(id, evaluateTask(round, ev, plan.aggregation.secure.parameterSet, std, type));
  }

  private async openMasked(
    round: Round,
    plan: TrainingPlan,
    kind: ContributionKind,
    deadlineAt: number,
    expected: () => Promise<string[]>,
  ): Promise<void> {
    if (round.mode !== 'secure' || !plan.aggregation.secure.masking.enabled) return;
    const members = await expected();
    const session = { federationId: round.federationId, roundId: round.id, keyEpoch: round.keyEpoch, kind };
    let threshold: number;
    try {
      threshold = planMasking(plan.aggregation.secure.masking, session, members).threshold;
    } catch (err) {
      // Too few members to mask: the phase cannot reach the secure quorum either, and fails at its deadline.
      if (err instanceof MaskingSettingsError) return;
      throw err;
    }
    await this.masking.open({
      ...session,
      threshold,
      expected: members,
      advertDeadlineAt: advertDeadline(this.clock.now(), deadlineAt),
    });
  }
}
