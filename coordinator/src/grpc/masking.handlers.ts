import { Inject, Injectable } from '@nestjs/common';
import {
  fromWireUpdateKind,
  maskStepDigest,
  type ContributionKind,
  type Envelope__Output,
  type MaskSessionView,
  type ParticipantServiceHandlers,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { RoundAccess } from '../contributions/round-access';
import { MaskingService } from '../masking/masking.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { reply, required } from './grpc-stream';

/** AdvertiseMask, GetMaskSession, SignSurvivors, RevealShares: translate, authenticate, hand to the masking service. */
@Injectable()
export class MaskingHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly masking: MaskingService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'AdvertiseMask' | 'GetMaskSession' | 'SignSurvivors' | 'RevealShares'> {
    return {
      AdvertiseMask: (call, callback) =>
        reply(
          this.log,
          'unary',
          (async () => {
            const r = call.request;
            const advert = required(r.advert, 'advert');
            const shares = [...r.shares].sort((a, b) => (a.to < b.to ? -1 : 1));
            const { p, kind, roundId } = await this.caller(r.envelope, r.kind, 'advertise', [
              advert.maskPublicKey,
              advert.selfSeedCommitment,
              advert.signature,
              ...shares.flatMap((s) => [s.to, s.box]),
            ]);
            if (advert.participantId !== p.id)
              throw new SyndicateError(
                'INVALID_ARGUMENT',
                'MASK_ADVERT_INVALID',
                `an advert for ${advert.participantId} sent by ${p.id}`,
              );
            return this.masking.advertise(p, roundId, kind, advert, shares);
          })(),
          callback,
        ),
      GetMaskSession: (call, callback) =>
        reply(
          this.log,
          'unary',
          (async (): Promise<MaskSessionView> => {
            const { p, kind, roundId } = await this.caller(call.request.envelope, call.request.kind, 'view', []);
            return this.masking.view(p, roundId, kind);
          })(),
          callback,
        ),
      SignSurvivors: (call, callback) =>
        reply(
          this.log,
          'unary',
          (async () => {
            const r = call.request;
            const { p, kind, roundId } = await this.caller(r.envelope, r.kind, 'sign', [...r.survivors, r.signature]);
            return this.masking.signSurvivors(p, roundId, kind, r.survivors, r.signature);
          })(),
          callback,
        ),
      RevealShares: (call, callback) =>
        reply(
          this.log,
          'unary',
          (async () => {
            const r = call.request;
            const fields = r.reveals.flatMap((x) => [x.peerId, x.kind, x.share]);
            const { p, kind, roundId } = await this.caller(r.envelope, r.kind, 'reveal', fields);
            return this.masking.reveal(p, roundId, kind, r.reveals);
          })(),
          callback,
        ),
    };
  }

  private async caller(
    envelope: Envelope__Output | null,
    wireKind: string,
    step: 'advertise' | 'view' | 'sign' | 'reveal',
    fields: (string | Uint8Array)[],
  ) {
    const env = required(envelope, 'envelope');
    const kind: ContributionKind | null = fromWireUpdateKind(wireKind);
    if (!kind) throw new SyndicateError('INVALID_ARGUMENT', 'INVALID_REQUEST', `unknown contribution kind ${wireKind}`);
    const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_MASK',
      payloadSha256: maskStepDigest(step, round.id, kind, fields),
    });
    return { p, kind, roundId: round.id };
  }
}
