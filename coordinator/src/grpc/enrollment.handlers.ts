import { Inject, Injectable } from '@nestjs/common';
import type { EnrollRequest__Output, EnrollResponse, ParticipantServiceHandlers } from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { FederationsService } from '../federations/federations.service';
import { ParticipantsService } from '../participants/participants.service';
import { reply, required } from './grpc-stream';

/** Enroll: an invitation token and two public keys become a member. */
@Injectable()
export class EnrollmentHandlers {
  constructor(
    private readonly federations: FederationsService,
    private readonly participants: ParticipantsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Pick<ParticipantServiceHandlers, 'Enroll'> {
    return { Enroll: (call, callback) => reply(this.log, 'Enroll', this.enroll(call.request), callback) };
  }

  private async enroll(r: EnrollRequest__Output): Promise<EnrollResponse> {
    // federation_id may be empty: the invitation names it.
    const p = await this.participants.enroll({
      federationId: r.federationId,
      token: required(r.enrollmentToken, 'enrollment_token'),
      signingPublicKey: r.signingPublicKey,
      boxPublicKey: r.boxPublicKey,
      boxKeySignature: r.boxKeySignature,
    });
    const federation = await this.federations.entity(p.federationId);
    return {
      participantId: p.id,
      federationId: federation.id,
      planJson: federation.planJson,
      keyEpoch: federation.keyEpoch,
    };
  }
}
