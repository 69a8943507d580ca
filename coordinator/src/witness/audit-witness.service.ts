import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { auditHeadProblem, auditHeadSignatureValid, type AuditHeadWire, type Task } from '@syndicate/protocol';
import type { Repository } from 'typeorm';
import { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Logger } from '../common/logger';
import { SyndicateError } from '../common/syndicate-error';
import { LOGGER } from '../common/tokens';
import type { Participant } from '../participants/participant.entity';
import { TaskHub } from '../tasks/task-hub';
import { Round } from '../rounds/round.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditWitness } from '../audit/audit-witness.entity';
import { AuditService, type AuditInput } from '../audit/audit.service';

/** How long to wait for a publishing transaction to commit before asking for witnesses (ms, doubling). */
const RETRY_MS = [50, 100, 200, 400, 800, 1600, 3200];

/**
 * After each published round, asks the members that took part to sign the audit head, and keeps
 * their signatures. Members keep a copy too: `syndicate audit verify` then names a cut or a rewrite.
 */
@Injectable()
export class AuditWitnessService implements OnModuleInit {
  constructor(
    @InjectRepository(AuditWitness) private readonly witnesses: Repository<AuditWitness>,
    @InjectRepository(UpdateReceipt) private readonly receipts: Repository<UpdateReceipt>,
    @InjectRepository(Round) private readonly rounds: Repository<Round>,
    private readonly hub: TaskHub,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.audit.onAppended((e: AuditInput) => {
      if (e.action === 'round.published' && e.subject) this.later(e.subject, 0);
    });
  }

  private later(roundId: string, attempt: number): void {
    setTimeout(() => void this.requestFor(roundId, attempt), RETRY_MS[attempt]).unref();
  }

  /** Pushes a witness task for the current head to every connected member that contributed to the round. */
  async requestFor(roundId: string, attempt = RETRY_MS.length): Promise<number> {
    try {
      const round = await this.rounds.findOne({ where: { id: roundId } });
      if (round?.state !== 'published') {
        if (attempt + 1 < RETRY_MS.length) this.later(roundId, attempt + 1);
        return 0;
      }
      const [head] = await this.witnesses.manager
        .getRepository(AuditEvent)
        .find({ order: { seq: 'DESC' }, take: 1, select: { seq: true, hash: true } });
      const members = await this.contributors(roundId);
      const auditHead = { federationId: round.federationId, seq: head.seq, hash: head.hash };
      let asked = 0;
      for (const participantId of members) {
        const task: Task = {
          taskId: `witness-${roundId}-${head.seq}`,
          type: 'TASK_TYPE_WITNESS_AUDIT',
          roundId,
          roundNumber: round.number,
          keyEpoch: round.keyEpoch,
          auditHead,
        };
        if (this.hub.push(participantId, task)) asked++;
      }
      this.log.info({ roundId, seq: head.seq, asked, members: members.length }, 'audit head sent to witnesses');
      return asked;
    } catch (err) {
      this.log.error({ err, roundId }, 'could not ask members to witness the audit head');
      return 0;
    }
  }

  private async contributors(roundId: string): Promise<string[]> {
    const rows = await this.receipts.find({ where: { roundId }, select: { participantId: true } });
    return [...new Set(rows.map((r) => r.participantId))].sort();
  }

  /** Stores a member's witness signature after checking it vouches for a real head of this log. */
  async accept(p: Participant, roundId: string, head: AuditHeadWire, signature: Uint8Array): Promise<void> {
    const malformed = auditHeadProblem(head);
    if (malformed) throw new SyndicateError('INVALID_ARGUMENT', 'BAD_AUDIT_HEAD', malformed);
    if (head.federationId !== p.federationId)
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'WRONG_FEDERATION',
        `the witnessed head names federation ${head.federationId}; participant ${p.id} is in ${p.federationId}`,
      );
    if (!auditHeadSignatureValid(head, signature, Buffer.from(p.signingPublicKey, 'hex')))
      throw new SyndicateError(
        'UNAUTHENTICATED',
        'BAD_WITNESS_SIGNATURE',
        'the witness signature does not verify with your enrolled signing key over this head',
      );
    const entry = await this.witnesses.manager.getRepository(AuditEvent).findOne({ where: { seq: head.seq } });
    if (!entry || entry.hash !== head.hash)
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'UNKNOWN_AUDIT_HEAD',
        `this log has no entry ${head.seq} with hash ${head.hash.slice(0, 12)}…`,
      );
    if (!(await this.receipts.exist({ where: { roundId, participantId: p.id } })))
      throw new SyndicateError(
        'PERMISSION_DENIED',
        'NOT_A_CONTRIBUTOR',
        `participant ${p.id} took no part in round ${roundId}`,
      );
    if (await this.witnesses.exist({ where: { participantId: p.id, seq: head.seq } })) return;
    const sig = Buffer.from(signature).toString('hex');
    await this.witnesses.manager.transaction(async (em) => {
      await em.getRepository(AuditWitness).insert({
        id: newId('wit'),
        federationId: p.federationId,
        participantId: p.id,
        roundId,
        seq: head.seq,
        hash: head.hash,
        signature: sig,
        witnessedAt: this.clock.now(),
      });
      await this.audit.recordIn(em, {
        actor: p.id,
        action: 'audit.witnessed',
        federationId: p.federationId,
        subject: roundId,
        detail: { seq: head.seq, hash: head.hash, signature: sig },
      });
    });
  }

  async list(): Promise<AuditWitness[]> {
    return this.witnesses.find({ order: { seq: 'ASC' } });
  }
}
