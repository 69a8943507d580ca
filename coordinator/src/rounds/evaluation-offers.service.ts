import { Injectable } from '@nestjs/common';
import type { Participant } from '../participants/participant.entity';
import { ContributionPolicy } from './contribution-policy.service';
import type { Round } from './round.entity';
import { RoundViews } from './round-views.service';
import { TaskDispatch } from './task-dispatch.service';
import { EvaluationService } from '../evaluation/evaluation.service';
import type { ModelEvaluation } from '../evaluation/model-evaluation.entity';

/** Which members get which evaluation task: score the model while collecting, decrypt the sum once it is final. */
@Injectable()
export class EvaluationOffers {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly policy: ContributionPolicy,
    private readonly views: RoundViews,
    private readonly dispatch: TaskDispatch,
  ) {}

  /** Who scores the round's model (the contribution policy's evaluators). */
  audience(round: Round): Promise<string[]> {
    return this.policy.evaluators(round);
  }

  async offer(round: Round, ev: ModelEvaluation): Promise<void> {
    if (ev.state !== 'collecting') return;
    await this.dispatch.evaluate(round, ev, await this.audience(round));
  }

  /** The sum is final: its contributors decrypt it. */
  async offerResults(round: Round, ev: ModelEvaluation, contributors: string[]): Promise<void> {
    // A masked sum is final with its survivors; below the masking threshold nothing is decrypted.
    const sealed = await this.policy.closeMasked(round.id, 'evaluation', contributors);
    if (sealed && !sealed.ok) return void (await this.evaluation.fail(ev, sealed.reason));
    await this.dispatch.evaluate(round, ev, contributors, 'TASK_TYPE_EVALUATION_RESULT');
  }

  /** Re-sends the evaluation tasks a reconnecting member missed. */
  async onSubscribe(p: Participant): Promise<void> {
    for (const ev of await this.evaluation.pending(p.federationId)) {
      const r = await this.views.get(ev.roundId);
      const sent = await this.policy.hasContributed(r.id, p.id, 'evaluation');
      if (ev.state === 'collecting' && !sent && (await this.audience(r)).includes(p.id))
        await this.dispatch.evaluate(r, ev, [p.id]);
      if (ev.state === 'decrypting' && sent) await this.offerResults(r, ev, [p.id]);
    }
  }
}
