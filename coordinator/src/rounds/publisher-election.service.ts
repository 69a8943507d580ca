import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AggregationService } from '../aggregation/aggregation.service';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { PresenceService } from '../participants/presence.service';
import { Round } from './round.entity';
import { TaskDispatch } from './task-dispatch.service';

/**
 * Secure mode: the encrypted sum is final. Every contributor can decrypt and apply it;
 * one (the publisher) uploads the result. A publisher that went away is replaced by a
 * connected contributor.
 */
@Injectable()
export class PublisherElection {
  constructor(
    @InjectRepository(Round) private readonly repo: Repository<Round>,
    private readonly aggregation: AggregationService,
    private readonly presence: PresenceService,
    private readonly dispatch: TaskDispatch,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async askToPublish(round: Round): Promise<void> {
    if (round.publisherId && (await this.presence.isOnline(round.publisherId))) return;
    const contributors = (await this.aggregation.contributors(round.id)).map((r) => r.participantId);
    const online = new Set(await this.presence.online(round.federationId));
    const publisher = contributors.find((id) => online.has(id));
    if (!publisher) return;
    const first = round.publisherId === null;
    const res = await this.repo.update({ id: round.id, state: 'aggregating' }, { publisherId: publisher });
    if (!res.affected) return;
    round.publisherId = publisher;
    // The first time every contributor applies the sum; a replacement publisher alone is asked again.
    await this.dispatch.apply(round, first ? contributors : [publisher], publisher);
    this.log.info({ roundId: round.id, publisher }, 'aggregate ready; publisher chosen');
  }
}
