import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import {
  auditHeadDigest,
  type AuditWitnessServiceHandlers,
  type WitnessAuditHeadRequest__Output,
  type WitnessAuditHeadResponse,
} from '@syndicate/protocol';
import { AuditWitnessService } from '../witness/audit-witness.service';
import type { Logger } from '../common/logger';
import { SyndicateError, toGrpcError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';

/** The AuditWitnessService RPC: authenticates the member, then hands over to AuditWitnessService. */
@Injectable()
export class AuditWitnessGrpcHandlers {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly witness: AuditWitnessService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): AuditWitnessServiceHandlers {
    return {
      WitnessAuditHead: (call, callback) =>
        this.witnessAuditHead(call.request).then(
          (res) => callback(null, res),
          (err: unknown) => {
            if (err instanceof SyndicateError)
              this.log.warn({ rpc: 'WitnessAuditHead', reason: err.reason }, err.message);
            else this.log.error({ rpc: 'WitnessAuditHead', err }, 'unexpected error');
            callback(toGrpcError(err) as grpc.ServiceError);
          },
        ),
    };
  }

  private async witnessAuditHead(r: WitnessAuditHeadRequest__Output): Promise<WitnessAuditHeadResponse> {
    const env = r.envelope;
    if (!r.head || !env?.roundId)
      throw new SyndicateError('INVALID_ARGUMENT', 'MISSING_FIELD', 'head and envelope.round_id are required');
    const head = { federationId: r.head.federationId, seq: r.head.seq, hash: r.head.hash };
    const p = await this.participants.authenticate(env, {
      federationId: env.federationId,
      roundId: env.roundId,
      phase: 'PHASE_WITNESS_AUDIT',
      payloadSha256: auditHeadDigest(head),
    });
    await this.witness.accept(p, env.roundId, head, r.signature);
    return { accepted: true };
  }
}
