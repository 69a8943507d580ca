import { Inject, Injectable } from '@nestjs/common';
import type { ContributionKind } from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { EvaluationOffers } from './evaluation-offers.service';
import { CeremonyRecords } from '../keys/ceremony-records.service';
import type { Participant } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { ContributionPolicy } from './contribution-policy.service';
import { roundMode } from './round-mode';
import { RoundViews } from './round-views.service';
import { TaskDispatch } from './task-dispatch.service';

/** Offers an agent whatever it should be doing now; idempotent, since agents drop repeats. */
@Injectable()
export class TaskOffers {
  constructor(
    private readonly ceremonies: CeremonyRecords,
    private readonly views: RoundViews,
    private readonly policy: ContributionPolicy,
    private readonly dispatch: TaskDispatch,
    private readonly evaluations: EvaluationOffers,
    private readonly participants: ParticipantsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Re-sends whatever an agent missed while it was away (reconnects are normal). */
  async onSubscribe(p: Participant): Promise<void> {
    await this.ceremonies.onSubscribe(p);
    const round = await this.views.active(p.federationId);
    if (round) {
      const mode = roundMode(round);
      const has = (kind: ContributionKind) => this.policy.hasContributed(round.id, p.id, kind);
      if (
        round.state === 'counting' &&
        !(await has(mode.countingKind)) &&
        (await this.policy.roundMembers(round)).includes(p.id)
      )
        await this.dispatch.count(round, [p.id]);
      else if (
        round.state === 'collecting' &&
        !(await has('model')) &&
        (!mode.updatesNeedCount || (await has('count')))
      )
        await this.dispatch.train(round, [p.id]);
      else if (round.state === 'aggregating' && mode.publishedBy === 'member' && (await has('model')))
        await this.dispatch.apply(round, [p.id], round.publisherId);
    }
    await this.evaluations.onSubscribe(p);
  }

  /** Offers every agent connected here whatever it should be doing now. */
  async reofferConnected(): Promise<void> {
    const ids = this.dispatch.connected();
    if (!ids.length) return;
    for (const p of await this.participants.byIds(ids)) {
      if (p.status !== 'active') continue;
      await this.onSubscribe(p).catch((err: unknown) => this.log.warn({ participantId: p.id, err }, 're-offer failed'));
    }
  }
}
