import { Inject, Injectable } from '@nestjs/common';
import {
  standardizationDigest,
  type ParticipantServiceHandlers,
  type SubmitStandardizationRequest__Output,
  type SubmitStandardizationResponse,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { FeatureMomentsIntakeService } from '../contributions/feature-moments-intake.service';
import { RoundAccess } from '../contributions/round-access';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';
import { reply, required } from './grpc-stream';

/** SubmitStandardization: a member reports the consortium feature moments it decrypted. */
@Injectable()
export class StandardizationHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly rounds: RoundAccess,
    private readonly moments: FeatureMomentsIntakeService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'SubmitStandardization'> {
    return {
      SubmitStandardization: (call, callback) =>
        reply(this.log, 'unary', this.submitStandardization(call.request), callback),
    };
  }

  private async submitStandardization(r: SubmitStandardizationRequest__Output): Promise<SubmitStandardizationResponse> {
    const env = required(r.envelope, 'envelope');
    const json = required(r.momentsJson, 'moments_json');
    const round = await this.rounds.get(required(env.roundId, 'envelope.round_id'));
    const p = await this.participants.authenticate(env, {
      federationId: round.federationId,
      roundId: round.id,
      phase: 'PHASE_STANDARDIZATION',
      payloadSha256: standardizationDigest(json),
    });
    await this.moments.report(round, p, json);
    return { accepted: true };
  }
}
