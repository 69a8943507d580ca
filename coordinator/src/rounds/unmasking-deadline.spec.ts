import nacl from 'tweetnacl';
import {
  committedSetDigest,
  selfSeedCommitment,
  signMaskKeyAdvert,
  signSurvivorSet,
  type MaskSession,
} from '@syndicate/protocol';
import { AuditService } from '../audit/audit.service';
import { FederationsService } from '../federations/federations.service';
import { MaskingService } from '../masking/masking.service';
import { ModelsService } from '../models/models.service';
import { Participant } from '../participants/participant.entity';
import { roundEngineProviders } from '../testing/round-providers';
import {
  addMembers,
  RecordingTaskHub,
  serviceTestModule,
  testMemberKeys,
  testPlan,
  type ServiceTestModule,
} from '../testing/service-test-module';
import { publicationDeadline } from './publication-agreement';
import { Round } from './round.entity';
import { RoundStepper } from './round-stepper.service';

const IDS = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];

/**
 * A masked round whose sum closed with every member in it, after which members vanished before
 * revealing their shares: below the threshold of revealers nobody can take the masks off, so the
 * round must fail by name at its publication deadline instead of waiting for a publisher forever.
 */
describe('a masked sum its survivors never unmask (in-memory SQLite, fake clock)', () => {
  let t: ServiceTestModule;
  afterEach(() => t?.close());

  /** A secure round in `state` whose masked `kind` sum `revealers` signed and revealed their shares of. */
  async function maskedRound(
    revealers: string[],
    state: 'aggregating' | 'collecting' = 'aggregating',
    kind: 'model' | 'count' = 'model',
  ): Promise<Round> {
    t = await serviceTestModule({ providers: roundEngineProviders(new RecordingTaskHub()) });
    const federationId = (await t.get(FederationsService).create(testPlan({ mode: 'secure' }), 'spec')).id;
    await addMembers(t.db, federationId, IDS, t.clock.now());
    const now = t.clock.now();
    const round = Object.assign(new Round(), {
      id: 'rnd-masked',
      federationId,
      number: 1,
      state,
      baseModelVersionId: (await t.get(ModelsService).latest(federationId)).id,
      minParticipants: 3,
      openedAt: now - 60_000,
      deadlineAt: now + 60_000,
      closedAt: now,
      mode: 'secure',
      keyEpoch: 1,
    });
    await t.db.getRepository(Round).insert(round);
    const masking = t.get(MaskingService);
    const at: MaskSession = { federationId, roundId: round.id, keyEpoch: 1, kind };
    await masking.open({ ...at, threshold: 3, expected: IDS, advertDeadlineAt: now + 10_000 });
    const member = (id: string) => t.db.getRepository(Participant).findOneByOrFail({ id });
    const maskKeys = IDS.map(() => nacl.box.keyPair());
    for (const [i, id] of IDS.entries()) {
      const advert = signMaskKeyAdvert(
        {
          session: at,
          participantId: id,
          maskPublicKey: maskKeys[i].publicKey,
          selfSeedCommitment: selfSeedCommitment(at, id, new Uint8Array(32).fill(i)),
        },
        testMemberKeys(federationId, id).signSecretKey,
      );
      const shares = IDS.map((to) => ({ to, box: new Uint8Array([i]) }));
      await masking.advertise(await member(id), round.id, kind, advert, shares);
    }
    expect(await masking.fixSurvivors(round.id, kind, IDS)).toEqual({ ok: true });
    const digest = committedSetDigest(
      at,
      IDS.map((id, i) => ({ participantId: id, maskPublicKey: maskKeys[i].publicKey })),
    );
    for (const id of revealers) {
      const signature = signSurvivorSet(at, IDS, digest, testMemberKeys(federationId, id).signSecretKey);
      await masking.signSurvivors(await member(id), round.id, kind, IDS, signature);
      const reveals = IDS.map((peerId) => ({ peerId, kind: 'self-mask', share: new Uint8Array(33) }));
      await masking.reveal(await member(id), round.id, kind, reveals);
    }
    return round;
  }
  const stepAt = async (round: Round, when: number) => {
    t.clock.advance(when - t.clock.now());
    await t.get(RoundStepper).advance(round);
    return t.db.getRepository(Round).findOneByOrFail({ id: round.id });
  };

  it('positive control: with the threshold of revealers it keeps waiting for the publisher, even past the deadline', async () => {
    const round = await maskedRound(['bank-a', 'bank-b', 'bank-c']);
    expect((await stepAt(round, publicationDeadline(round) + 1)).state).toBe('aggregating');
  });

  it('two of four revealed (threshold three): waits until the publication deadline, then fails TOO_FEW_SURVIVORS', async () => {
    const round = await maskedRound(['bank-a', 'bank-b']);
    expect((await stepAt(round, publicationDeadline(round) - 1)).state).toBe('aggregating');
    const failed = await stepAt(round, publicationDeadline(round));
    expect({ state: failed.state, code: failed.failureCode }).toEqual({ state: 'failed', code: 'TOO_FEW_SURVIVORS' });
    expect(failed.failureReason).toMatch(
      /from only 2 of them in time and the masking threshold is 3: no mask can come off/,
    );
    const audited = (await t.get(AuditService).list({ federationId: round.federationId })).find(
      (e) => e.action === 'round.failed',
    );
    expect(JSON.parse(audited!.detail)).toMatchObject({ code: 'TOO_FEW_SURVIVORS' });
  });

  it('a count sum too few unmasked: nobody could weigh an update, so collecting fails TOO_FEW_SURVIVORS, not QUORUM_MISSED', async () => {
    const control = await maskedRound(['bank-a', 'bank-b', 'bank-c'], 'collecting', 'count');
    expect((await stepAt(control, control.deadlineAt)).failureCode).toBe('QUORUM_MISSED');
    await t.close();
    const round = await maskedRound(['bank-a'], 'collecting', 'count');
    const failed = await stepAt(round, round.deadlineAt);
    expect({ state: failed.state, code: failed.failureCode }).toEqual({ state: 'failed', code: 'TOO_FEW_SURVIVORS' });
    expect(failed.failureReason).toMatch(/masked count sum .* from only 1 of them in time/);
  });
});
