import nacl from 'tweetnacl';
import { DataSource } from 'typeorm';
import { signBoxKey, signEndorsement } from '@syndicate/protocol';
import { dataSourceOptions } from '../database/data-source-options';
import { AuditService } from '../audit/audit.service';
import { AuditEvent } from '../audit/audit-event.entity';
import type { Clock } from '../common/clock';
import type { MetricsService } from '../metrics/metrics.service';
import type { Logger } from '../common/logger';
import { Participant } from './participant.entity';
import { MemberDirectoryService } from './member-directory.service';

const FED = 'fed-1';
const clock: Clock = { now: () => 1_700_000_000_000 };

describe('MemberDirectoryService', () => {
  let db: DataSource;
  let directory: MemberDirectoryService;
  const keys = new Map<string, nacl.SignKeyPair>();

  async function enroll(id: string, status: 'active' | 'revoked' = 'active'): Promise<Participant> {
    const sign = nacl.sign.keyPair();
    const box = nacl.box.keyPair();
    keys.set(id, sign);
    const p = db.getRepository(Participant).create({
      id,
      federationId: FED,
      displayName: `bank ${id}`,
      signingPublicKey: Buffer.from(sign.publicKey).toString('hex'),
      boxPublicKey: Buffer.from(box.publicKey).toString('hex'),
      boxKeySignature: Buffer.from(
        signBoxKey({ signPublicKey: sign.publicKey, boxPublicKey: box.publicKey }, sign.secretKey),
      ).toString('hex'),
      status,
      enrolledAt: clock.now(),
      lastSeenAt: null,
    });
    return db.getRepository(Participant).save(p);
  }
  const endorsement = (by: string, of: string, fed = FED) =>
    signEndorsement(
      { federationId: fed, subjectSignPublicKey: keys.get(of)!.publicKey, subjectDisplayName: `bank ${of}` },
      { signPublicKey: keys.get(by)!.publicKey, signSecretKey: keys.get(by)!.secretKey },
    );

  beforeEach(async () => {
    db = new DataSource(dataSourceOptions('sqlite::memory:'));
    await db.initialize();
    await db.runMigrations();
    const metrics = { count: () => undefined } as unknown as MetricsService;
    const log = { error: () => undefined } as unknown as Logger;
    directory = new MemberDirectoryService(db, new AuditService(db, clock, metrics, log), clock);
  });
  afterEach(() => db.destroy());

  it('lists active members with their self-signed box keys, and no revoked member', async () => {
    await enroll('a');
    await enroll('b');
    await enroll('x', 'revoked');
    const cards = await directory.cards(FED);
    expect(cards.map((c) => c.participantId)).toEqual(['a', 'b']);
    expect(Buffer.from(cards[0].signPublicKey)).toEqual(Buffer.from(keys.get('a')!.publicKey));
    expect(cards[0].boxKeySignature).toHaveLength(64);
  });

  it('keeps a valid endorsement once, relays it, and audits it', async () => {
    const a = await enroll('a');
    await enroll('b');
    await directory.endorse(a, endorsement('a', 'b'));
    await directory.endorse(a, endorsement('a', 'b'));
    const relayed = await directory.endorsements(FED);
    expect(relayed).toHaveLength(1);
    expect(Buffer.from(relayed[0].endorserSignPublicKey)).toEqual(Buffer.from(keys.get('a')!.publicKey));
    const audit = await db.getRepository(AuditEvent).find({ where: { action: 'member.endorsed' } });
    expect(audit).toHaveLength(2);
  });

  it("refuses someone else's endorsement, a forged one, a self-endorsement, and an unknown subject", async () => {
    const a = await enroll('a');
    await enroll('b');
    await enroll('c');
    await expect(directory.endorse(a, endorsement('c', 'b'))).rejects.toMatchObject({ reason: 'ENDORSEMENT_NOT_OWN' });
    const forged = { ...endorsement('a', 'b'), subjectDisplayName: 'bank c' };
    await expect(directory.endorse(a, forged)).rejects.toMatchObject({ reason: 'BAD_ENDORSEMENT' });
    await expect(directory.endorse(a, endorsement('a', 'a'))).rejects.toMatchObject({ reason: 'BAD_ENDORSEMENT' });
    await expect(directory.endorse(a, endorsement('a', 'b', 'fed-2'))).rejects.toMatchObject({
      reason: 'BAD_ENDORSEMENT',
    });
    keys.set('ghost', nacl.sign.keyPair());
    await expect(directory.endorse(a, endorsement('a', 'ghost'))).rejects.toMatchObject({
      reason: 'UNKNOWN_PARTICIPANT',
    });
    expect(await directory.endorsements(FED)).toEqual([]);
  });
});
