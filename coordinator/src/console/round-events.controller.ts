import { Controller, Param, Sse, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ConsoleSessionsService } from '../access/console-sessions.service';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../http/actor.decorator';
import { ApiDoc } from '../http/api-doc';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { RoundViews, type RoundView } from '../rounds/round-views.service';
import { roundEventSchema } from './console.responses';

/** Events whose federation id is unknown to the listener still trigger a look: they are rare and cheap. */
const LOOK_AGAIN_MS = 2_000;
/** Transitions come in bursts (a transaction's entries); one read answers the burst. */
const COALESCE_MS = 30;

export interface RoundEvent {
  round: RoundView | null;
}

/**
 * The live round as server-sent events: every audited change of the federation (round transitions,
 * accepted updates, pauses) triggers a fresh read, sent when it differs from the last one. A slow look
 * every few seconds covers changes made by another replica, whose audit listeners are not ours, and ends
 * the stream once the caller's token or session is no longer valid (the browser's reconnect then gets a 401).
 */
@Controller('v1/console')
export class RoundEventsController {
  constructor(
    private readonly rounds: RoundViews,
    private readonly audit: AuditService,
    private readonly sessions: ConsoleSessionsService,
  ) {}

  @Sse('federations/:federationId/round-events')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: "Follow a federation's current round live",
    description: [
      'A server-sent event stream (EventSource) of the federation’s current round: one `round` event at connect,',
      'then one whenever the round changes (transitions, accepted updates, pauses, also those made on another',
      'replica, seen within seconds). Each event’s `data` is a RoundEvent as JSON. The stream ends once the',
      "caller's token is revoked or the session signed out; the browser's reconnect then gets the 401 saying why.",
      'An unknown federation is a 404 problem before any event.',
    ].join(' '),
    response: roundEventSchema,
  })
  async events(
    @Param('federationId') federationId: string,
    @Actor() actor: Principal,
  ): Promise<Observable<MessageEvent>> {
    // An unknown federation is a 404 problem, not a stream that closes without a word.
    await this.rounds.current(federationId);
    return new Observable<MessageEvent>((sub) => {
      let last = '';
      let timer: NodeJS.Timeout | undefined;
      let reading = Promise.resolve();
      const look = () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          // Reads run one after the other, so an older view never overtakes a newer one.
          reading = reading.then(async () => {
            try {
              // The guard checked the caller once, at connect; a stream outlives that, a revoked token must not.
              const allowed = await this.sessions.assertStillValid(actor).then(
                () => true,
                () => false,
              );
              if (!allowed) return sub.complete();
              const event: RoundEvent = { round: await this.rounds.current(federationId) };
              const json = JSON.stringify(event);
              if (json !== last) {
                last = json;
                sub.next({ type: 'round', data: event });
              }
            } catch (err) {
              sub.error(err);
            }
          });
        }, COALESCE_MS);
      };
      const stop = this.audit.onAppended((e) => {
        if (e.federationId === federationId || !e.federationId) look();
      });
      const slow = setInterval(look, LOOK_AGAIN_MS);
      look();
      return () => {
        stop();
        clearInterval(slow);
        if (timer) clearTimeout(timer);
      };
    });
  }
}
