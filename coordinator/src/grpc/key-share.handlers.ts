import { Inject, Injectable } from '@nestjs/common';
import {
  fetchKeyDigest,
  keySharesDigest,
  manifestFromWire,
  type FetchKeyShareRequest__Output,
  type FetchKeyShareResponse,
  type ParticipantServiceHandlers,
  type SubmitKeySharesRequest__Output,
  type SubmitKeySharesResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { RoundAccess } from '../contributions/round-access';
import { KeyCustodyService } from '../keys/key-custody.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { reply, required } from './grpc-stream';

/** SubmitKeyShares / FetchKeyShare: the dealer's sealed shares of a key epoch, and each member's own. */
@Injectable()
export class KeyShareHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly keys: KeyCustodyService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'SubmitKeyShares' | 'FetchKeyShare'> {
    return {
      SubmitKeyShares: (call, callback) => reply(this.log, 'unary', this.submitKeyShares(call.request), callback),
      FetchKeyShare: (call, callback) => reply(this.log, 'unary', this.fetchKeyShare(call.request), callback),
    };
  }

  private async submitKeyShares(r: SubmitKeySharesRequest__Output): Promise<SubmitKeySharesResponse> {
    const env = required(r.envelope, 'envelope');
    const shares = r.shares.map((s) => ({ participantId: s.participantId, nonce: s.nonce, sealedKey: s.sealedKey }));
    const p = await this.participants.authenticate(env, {
      federationId: required(env.federationId, 'envelope.federation_id'),
      phase: 'PHASE_KEY_CEREMONY',
      payloadSha256: keySharesDigest(r.keyEpoch, r.parameterSet, shares, r.wrappedKey),
      keyEpoch: r.keyEpoch,
    });
    const keyEpoch = await this.keys.submitShares(p, {
      keyEpoch: r.keyEpoch,
      parameterSet: r.parameterSet,
      shares,
      wrappedKey: r.wrappedKey,
      manifest: r.manifest ? manifestFromWire(r.manifest) : null,
      manifestSignature: r.manifestSignature,
      excludedParticipantIds: r.excludedParticipantIds,
    });
    // Rounds waiting for keys can start counting now.
    void this.rounds.tick().catch((err) => this.log.error({ err }, 'tick after key ceremony failed'));
    return { keyEpoch };
  }

  private async fetchKeyShare(r: FetchKeyShareRequest__Output): Promise<FetchKeyShareResponse> {
    const env = required(r.envelope, 'envelope');
    const p = await this.participants.authenticate(env, {
      federationId: required(env.federationId, 'envelope.federation_id'),
      phase: 'PHASE_FETCH_KEY',
      payloadSha256: fetchKeyDigest(r.keyEpoch),
    });
    return this.keys.fetchShare(p, r.keyEpoch);
  }
}
