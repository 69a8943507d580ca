import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  fromWireUpdateKind,
  KNOWN_UPDATE_KINDS,
  uploadPhase,
  type ParticipantServiceHandlers,
  type UpdateHeader__Output,
  type UploadUpdateRequest__Output,
  type UploadUpdateResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { ContributionIntakeService, type ContributionTicket } from '../contributions/contribution-intake.service';
import { RoundAccess } from '../contributions/round-access';
import { MetricsService } from '../metrics/metrics.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { ChunkedReader } from './chunked-reader';
import { reply, required } from './grpc-stream';

type Authenticated = Parameters<ContributionIntakeService['recordRefusal']>[0];

/** UploadUpdate: decodes the header, authenticates it, and hands the contribution to the intake. */
@Injectable()
export class UploadHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly intake: ContributionIntakeService,
    private readonly reader: ChunkedReader,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'UploadUpdate'> {
    return { UploadUpdate: (call, callback) => reply(this.log, 'UploadUpdate', this.upload(call), callback) };
  }

  /** Every accepted or refused contribution from an authenticated member is audited with its hash and signature. */
  private async upload(
    call: grpc.ServerReadableStream<UploadUpdateRequest__Output, UploadUpdateResponse>,
  ): Promise<UploadUpdateResponse> {
    let seen: Authenticated | undefined;
    try {
      return await this.accept(call, (s) => (seen = s));
    } catch (err) {
      if (seen) await this.intake.recordRefusal(seen, err);
      throw err;
    }
  }

  private async accept(
    call: grpc.ServerReadableStream<UploadUpdateRequest__Output, UploadUpdateResponse>,
    authenticated: (s: Authenticated) => void,
  ): Promise<UploadUpdateResponse> {
    let ticket!: ContributionTicket;
    const { header, payload } = await this.reader.read(
      call as AsyncIterable<UploadUpdateRequest__Output>,
      async (header: UpdateHeader__Output) => {
        const env = required(header.envelope, 'header.envelope');
        const descriptor = required(header.payload, 'header.payload');
        const kind = fromWireUpdateKind(header.kind);
        if (!kind)
          throw new SyndicateError(
            'INVALID_ARGUMENT',
            'MISSING_FIELD',
            `header.kind must be one of ${KNOWN_UPDATE_KINDS}`,
          );
        const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
        const participant = await this.participants.authenticate(env, {
          ...this.intake.signedFor(round),
          phase: uploadPhase(kind),
          payloadSha256: descriptor.sha256,
        });
        authenticated({
          participant,
          round,
          kind,
          payloadSha256: descriptor.sha256.toString('hex'),
          signature: env.signature.toString('hex'),
        });
        ticket = await this.intake.admit(round, participant, {
          kind,
          baseModelVersionId: header.baseModelVersionId,
          encoding: descriptor.encoding,
          numParams: Number(descriptor.numParams),
          proof: {
            payloadSha256: descriptor.sha256,
            signature: header.contributionSignature,
            digest: header.contributionDigest,
          },
        });
        return { descriptor, maxBytes: ticket.maxBytes };
      },
    );
    const started = process.hrtime.bigint();
    const receipt = await this.intake.accept(ticket, payload, {
      payloadSha256: header.payload!.sha256.toString('hex'),
      signature: header.envelope!.signature.toString('hex'),
      numSamples: Number(header.numSamples),
    });
    this.metrics.observeAggregation(ticket.round.mode, Number(process.hrtime.bigint() - started) / 1e9);
    return { receiptId: receipt.id, sha256: header.payload!.sha256 };
  }
}
