import { signAuditHead } from '@syndicate/protocol';
import nacl from 'tweetnacl';
import type { Participant } from '../participants/participant.entity';
import { AuditWitnessService } from './audit-witness.service';

const keys = nacl.sign.keyPair();
const member = {
  id: 'prt_a',
  federationId: 'fed_1',
  signingPublicKey: Buffer.from(keys.publicKey).toString('hex'),
} as Participant;
const head = { federationId: 'fed_1', seq: 12, hash: 'ab'.repeat(32) };

/** The service over stub repositories: the log holds entry 12 with `head.hash`; prt_a contributed to rnd_1. */
function service() {
  const inserted: unknown[] = [];
  const audited: unknown[] = [];
  const em = {
    getRepository: () => ({ insert: async (row: unknown) => void inserted.push(row) }),
  };
  const witnesses = {
    exist: async () => false,
    manager: {
      getRepository: () => ({
        findOne: async ({ where }: { where: { seq: number } }) =>
          where.seq === 12 ? { seq: 12, hash: head.hash } : null,
      }),
      transaction: async (work: (e: typeof em) => Promise<void>) => work(em),
    },
  };
  const receipts = {
    exist: async ({ where }: { where: { roundId: string; participantId: string } }) =>
      where.roundId === 'rnd_1' && where.participantId === 'prt_a',
  };
  const audit = { onAppended: () => undefined, recordIn: async (_em: unknown, e: unknown) => void audited.push(e) };
  const s = new AuditWitnessService(
    witnesses as never,
    receipts as never,
    {} as never,
    {} as never,
    audit as never,
    { now: () => 1000 } as never,
    { info: () => undefined, error: () => undefined } as never,
  );
  return { s, inserted, audited };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { reason?: string }) => e.reason,
  );

describe('AuditWitnessService.accept', () => {
  it('stores a valid witness of a real head by a member of the round, and audits it', async () => {
    const { s, inserted, audited } = service();
    await s.accept(member, 'rnd_1', head, signAuditHead(head, keys.secretKey));
    expect(inserted).toEqual([expect.objectContaining({ participantId: 'prt_a', seq: 12, hash: head.hash })]);
    expect(audited).toEqual([expect.objectContaining({ action: 'audit.witnessed', actor: 'prt_a' })]);
  });

  it('refuses a signature by another key, a head this log does not have, and a member that took no part', async () => {
    const { s, inserted } = service();
    const other = nacl.sign.keyPair();
    expect(await refusal(s.accept(member, 'rnd_1', head, signAuditHead(head, other.secretKey)))).toBe(
      'BAD_WITNESS_SIGNATURE',
    );
    const fake = { ...head, hash: 'cd'.repeat(32) };
    expect(await refusal(s.accept(member, 'rnd_1', fake, signAuditHead(fake, keys.secretKey)))).toBe(
      'UNKNOWN_AUDIT_HEAD',
    );
    expect(await refusal(s.accept(member, 'rnd_2', head, signAuditHead(head, keys.secretKey)))).toBe(
      'NOT_A_CONTRIBUTOR',
    );
    const foreign = { ...head, federationId: 'fed_2' };
    expect(await refusal(s.accept(member, 'rnd_1', foreign, signAuditHead(foreign, keys.secretKey)))).toBe(
      'WRONG_FEDERATION',
    );
    expect(inserted).toEqual([]);
  });
});
