import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  subscribeDigest,
  type ParticipantServiceHandlers,
  type SubscribeRequest__Output,
  type SubscribeResponse,
} from '@syndicate/protocol';
import { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { RoundAccess } from '../contributions/round-access';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { TaskHub } from '../tasks/task-hub';
import { required, serveStream } from './grpc-stream';

const HEARTBEAT_MS = 20_000;

/** Subscribe: the member's long-lived stream of tasks, notices and heartbeats. */
@Injectable()
export class TaskStreamHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly hub: TaskHub,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'Subscribe'> {
    return { Subscribe: (call) => void serveStream(this.log, 'Subscribe', call, () => this.subscribe(call)) };
  }

  private async subscribe(call: grpc.ServerWritableStream<SubscribeRequest__Output, SubscribeResponse>): Promise<void> {
    const env = call.request.envelope;
    const p = await this.participants.authenticate(env, {
      federationId: required(env?.federationId, 'envelope.federation_id'),
      phase: 'PHASE_SUBSCRIBE',
      payloadSha256: subscribeDigest(),
    });
    const detach = this.hub.attach(p.id, p.federationId, {
      send: (task) => call.write({ task }),
      notify: (notice) => call.write({ notice }),
      close: () => call.end(),
    });
    const heartbeat = setInterval(
      () => call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } }),
      HEARTBEAT_MS,
    );
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      detach();
      this.log.info({ participantId: p.id }, 'agent disconnected');
    };
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
    call.on('error', cleanup);
    this.log.info(
      { federationId: p.federationId, participantId: p.id, agentVersion: call.request.agentVersion },
      'agent connected',
    );
    call.write({ heartbeat: { serverTimeUnixMs: String(this.clock.now()) } });
    await this.rounds.onSubscribe(p);
  }
}
