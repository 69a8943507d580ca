import { Inject, Injectable } from '@nestjs/common';
import {
  cardToWire,
  endorsementDigest,
  endorsementFromWire,
  endorsementToWire,
  isReasonCode,
  membersDigest,
  refusalDigest,
  type ListMembersRequest__Output,
  type ListMembersResponse,
  type ReportRefusalRequest__Output,
  type ReportRefusalResponse,
  type SubmitEndorsementRequest__Output,
  type SubmitEndorsementResponse,
  type ParticipantServiceHandlers,
} from '@syndicate/protocol';
import type { Logger } from '../common/logger';
import { LOGGER } from '../common/tokens';
import { reply, required } from './grpc-stream';
import type { HandlerGroup } from './participant-grpc.handlers';
import { AuditService } from '../audit/audit.service';
import { SyndicateError } from '../common/syndicate-error';
import { MemberDirectoryService } from '../participants/member-directory.service';
import { EnvelopeAuthenticator } from '../participants/envelope-authenticator.service';

const DETAIL_MAX = 1000;

/** Transport for bank-side trust: relays member cards and endorsements, and audits what agents refused. */
@Injectable()
export class MemberTrustHandlers implements HandlerGroup {
  constructor(
    private readonly participants: EnvelopeAuthenticator,
    private readonly directory: MemberDirectoryService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  handlers(): Partial<ParticipantServiceHandlers> {
    return {
      ListMembers: (call, cb) => reply(this.log, 'ListMembers', this.listMembers(call.request), cb),
      SubmitEndorsement: (call, cb) => reply(this.log, 'SubmitEndorsement', this.submitEndorsement(call.request), cb),
      ReportRefusal: (call, cb) => reply(this.log, 'ReportRefusal', this.reportRefusal(call.request), cb),
    };
  }

  async listMembers(r: ListMembersRequest__Output): Promise<ListMembersResponse> {
    const env = required(r.envelope, 'envelope');
    const p = await this.participants.authenticate(env, {
      federationId: env.federationId,
      phase: 'PHASE_MEMBERS',
      payloadSha256: membersDigest(),
    });
    const [members, endorsements] = await Promise.all([
      this.directory.cards(p.federationId),
      this.directory.endorsements(p.federationId),
    ]);
    return { members: members.map(cardToWire), endorsements: endorsements.map(endorsementToWire) };
  }

  async submitEndorsement(r: SubmitEndorsementRequest__Output): Promise<SubmitEndorsementResponse> {
    const env = required(r.envelope, 'envelope');
    const e = required(r.endorsement, 'endorsement');
    const p = await this.participants.authenticate(env, {
      federationId: env.federationId,
      phase: 'PHASE_ENDORSE',
      payloadSha256: endorsementDigest(e.signature),
    });
    await this.directory.endorse(p, endorsementFromWire(p.federationId, e));
    return { accepted: true };
  }

  async reportRefusal(r: ReportRefusalRequest__Output): Promise<ReportRefusalResponse> {
    const env = required(r.envelope, 'envelope');
    const p = await this.participants.authenticate(env, {
      federationId: env.federationId,
      roundId: r.roundId || undefined,
      phase: 'PHASE_REPORT_REFUSAL',
      payloadSha256: refusalDigest(r.reason, r.detail, r.roundId, r.keyEpoch),
    });
    if (!isReasonCode(r.reason)) {
      throw new SyndicateError('INVALID_ARGUMENT', 'BAD_REASON', `"${r.reason.slice(0, 64)}" is not a reason code`);
    }
    await this.audit.record({
      actor: p.id,
      action: 'agent.refused',
      federationId: p.federationId,
      subject: r.roundId || `epoch-${r.keyEpoch}`,
      detail: { reason: r.reason, detail: r.detail.slice(0, DETAIL_MAX), keyEpoch: r.keyEpoch, member: p.displayName },
    });
    return { recorded: true };
  }
}
