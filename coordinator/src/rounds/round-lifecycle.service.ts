import { Inject, Injectable } from '@nestjs/common';
import { AggregationService } from '../aggregation/aggregation.service';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { TaskHub } from '../tasks/task-hub';
import { RoundCreation, type OpenRoundOptions } from './round-creation.service';
import type { Round } from './round.entity';
import { ACTIVE_ROUND_STATES } from './round-state-machine';
import { RoundStepper } from './round-stepper.service';
import { RoundTransitions } from './round-transitions.service';
import { RoundViews, type RoundView } from './round-views.service';

/** What admins and schedules do to rounds: open, pause, resume, cancel. Members hear of each. */
@Injectable()
export class RoundLifecycle {
  constructor(
    private readonly creation: RoundCreation,
    private readonly transitions: RoundTransitions,
    private readonly stepper: RoundStepper,
    private readonly views: RoundViews,
    private readonly aggregation: AggregationService,
    private readonly hub: TaskHub,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Opens the next round from the latest global model and pushes train tasks to connected members. */
  async open(federationId: string, opts: OpenRoundOptions = {}, actor = 'system'): Promise<RoundView> {
    const round = await this.creation.create(federationId, opts, actor);
    // The first step may fail (no dealer online yet, a busy database): the round is open and the driver retries.
    await this.stepper
      .advance(round)
      .catch((err: unknown) => this.log.warn({ roundId: round.id, err }, 'first round step deferred to the driver'));
    return this.views.view(round.id);
  }

  /** Freezes a running round: no deadline runs, no transition happens, members are told. */
  async pause(round: Round, actor: string, why: string): Promise<void> {
    if (!(await this.transitions.pause(round, actor, why))) return;
    this.hub.notify(round.federationId, {
      kind: 'KIND_PAUSED',
      roundId: round.id,
      roundNumber: round.number,
      message: why,
      deadlineUnixMs: '',
    });
  }

  /** Unfreezes a round; every deadline moves by the time it was paused, so members lose none of theirs. */
  async resume(round: Round, actor: string): Promise<void> {
    if (!(await this.transitions.resume(round, actor))) return;
    this.hub.notify(round.federationId, {
      kind: 'KIND_RESUMED',
      roundId: round.id,
      roundNumber: round.number,
      message: 'resumed',
      deadlineUnixMs: String(round.deadlineAt),
    });
  }

  /** Ends a running round without a model; members drop their work for it. */
  async cancel(roundId: string, actor: string, why = 'cancelled by the consortium admin'): Promise<RoundView> {
    let round = await this.views.get(roundId);
    for (let attempt = 0; attempt < 3 && ACTIVE_ROUND_STATES.includes(round.state); attempt++) {
      try {
        await this.aggregation.exclusive(round.id, () =>
          this.transitions.fail(round, 'CANCELLED', `${why} (${actor})`),
        );
        await this.transitions.recordCancelled(round, actor, why);
        this.hub.notify(round.federationId, {
          kind: 'KIND_ROUND_CANCELLED',
          roundId: round.id,
          roundNumber: round.number,
          message: why,
          deadlineUnixMs: '',
        });
        break;
      } catch (err) {
        // The driver moved it meanwhile: look again.
        if (!(err instanceof SyndicateError && err.reason === 'ROUND_MOVED')) throw err;
        round = await this.views.get(roundId);
      }
    }
    if (round.state === 'published') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'ROUND_FINISHED',
        `round ${round.number} already published model ${round.resultModelVersionId}; it can no longer be cancelled`,
      );
    }
    return this.views.view(round.id);
  }
}
