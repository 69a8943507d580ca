import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  aggregateDigest,
  describePayload,
  fromWireUpdateKind,
  KNOWN_UPDATE_KINDS,
  splitIntoChunks,
  statementToWire,
  type DownloadAggregateRequest__Output,
  type DownloadAggregateResponse,
  type ParticipantServiceHandlers,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { AggregateReleaseService } from '../contributions/aggregate-release.service';
import { RoundAccess } from '../contributions/round-access';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { required, serveStream, writeMessage } from './grpc-stream';

/** DownloadAggregate: a round's final sum of one kind, to the members it concerns. */
@Injectable()
export class AggregateDownloadHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly release: AggregateReleaseService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'DownloadAggregate'> {
    return {
      DownloadAggregate: (call) =>
        void serveStream(this.log, 'DownloadAggregate', call, () => this.downloadAggregate(call)),
    };
  }

  private async downloadAggregate(
    call: grpc.ServerWritableStream<DownloadAggregateRequest__Output, DownloadAggregateResponse>,
  ): Promise<void> {
    const r = call.request;
    const roundId = required(r.roundId, 'round_id');
    const kind = fromWireUpdateKind(r.kind);
    if (!kind)
      throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', `kind must be one of ${KNOWN_UPDATE_KINDS}`);
    const round = await this.rounds.get(roundId);
    const p = await this.participants.authenticate(r.envelope, {
      federationId: round.federationId,
      phase: 'PHASE_DOWNLOAD_AGGREGATE',
      payloadSha256: aggregateDigest(roundId, r.kind),
    });
    const sum = await this.release.release(round, p, kind);
    const payload = describePayload(sum.data, sum.encoding, 0);
    await writeMessage(call, {
      header: {
        roundId,
        kind: r.kind,
        contributors: sum.contributors,
        keyEpoch: round.keyEpoch,
        payload,
        contributions: sum.statements.map(statementToWire),
      },
    });
    for (const chunk of splitIntoChunks(sum.data)) await writeMessage(call, { chunk });
    call.end();
  }
}
