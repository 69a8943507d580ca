import nacl from 'tweetnacl';
import {
  committedSetDigest,
  selfSeedCommitment,
  signMaskKeyAdvert,
  signSurvivorSet,
  type MaskSession,
} from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';
import { Participant } from '../participants/participant.entity';
import { addMembers, serviceTestModule, testMemberKeys, type ServiceTestModule } from '../testing/service-test-module';
import { MaskingService } from './masking.service';

const FED = 'fed-mask';
const IDS = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];
const session: MaskSession = { federationId: FED, roundId: 'rnd-1', keyEpoch: 1, kind: 'model' };

describe('MaskingService: the coordinator relays the masking protocol and refuses what no honest member sends', () => {
  let t: ServiceTestModule;
  let masking: MaskingService;
  const member = (id: string) => t.db.getRepository(Participant).findOneByOrFail({ id });
  const maskKeys = new Map(IDS.map((id) => [id, nacl.box.keyPair()]));

  const advertOf = (id: string, at = session) => {
    const k = testMemberKeys(FED, id);
    return signMaskKeyAdvert(
      {
        session: at,
        participantId: id,
        maskPublicKey: maskKeys.get(id)!.publicKey,
        selfSeedCommitment: selfSeedCommitment(at, id, new Uint8Array(32).fill(7)),
      },
      k.signSecretKey,
    );
  };
  const sharesFor = (ids = IDS) => ids.map((to) => ({ to, box: new Uint8Array([1, 2, 3]) }));
  const reason = async (work: Promise<unknown>) => {
    const err = await work.then(
      () => null,
      (e: unknown) => e,
    );
    return err instanceof SyndicateError ? err.reason : String(err);
  };

  beforeEach(async () => {
    t = await serviceTestModule({ providers: [MaskingService] });
    masking = t.get(MaskingService);
    await addMembers(t.db, FED, IDS, t.clock.now());
    await masking.open({ ...session, threshold: 3, expected: IDS, advertDeadlineAt: t.clock.now() + 10_000 });
  });
  afterEach(() => t.close());

  it('positive control: adverts close once everyone is in; each member sees only its own sealed shares', async () => {
    for (const id of IDS)
      await masking.advertise(await member(id), session.roundId, 'model', advertOf(id), sharesFor());
    const v = await masking.view(await member('bank-b'), session.roundId, 'model');
    expect(v.state).toBe('masking');
    expect(v.adverts).toHaveLength(4);
    expect(v.shares.map((s) => s.to)).toEqual(['bank-b', 'bank-b', 'bank-b', 'bank-b']);
    await expect(masking.assertCommitted(session.roundId, 'bank-b', 'model')).resolves.toBeUndefined();
  });

  it('refuses an advert signed by another key, shares sealed to the wrong holders, and an advert after the window', async () => {
    const forged = { ...advertOf('bank-a'), signature: advertOf('bank-b').signature };
    expect(await reason(masking.advertise(await member('bank-a'), session.roundId, 'model', forged, sharesFor()))).toBe(
      'MASK_ADVERT_INVALID',
    );
    expect(
      await reason(
        masking.advertise(
          await member('bank-a'),
          session.roundId,
          'model',
          advertOf('bank-a'),
          sharesFor(['bank-a', 'bank-b', 'bank-c']),
        ),
      ),
    ).toBe('MASK_ADVERT_INVALID');
    for (const id of IDS.slice(0, 3))
      await masking.advertise(await member(id), session.roundId, 'model', advertOf(id), sharesFor());
    t.clock.advance(11_000);
    expect((await masking.view(await member('bank-a'), session.roundId, 'model')).state).toBe('masking');
    expect(
      await reason(
        masking.advertise(await member('bank-d'), session.roundId, 'model', advertOf('bank-d'), sharesFor()),
      ),
    ).toBe('MASK_ADVERT_LATE');
    // A member whose keys nobody masked with cannot add to the sum.
    expect(await reason(masking.assertCommitted(session.roundId, 'bank-d', 'model'))).toBe('MASK_NOT_COMMITTED');
  });

  it('below the threshold of survivors the sum fails; at it, only survivors sign and reveal, one kind of share per peer', async () => {
    for (const id of IDS)
      await masking.advertise(await member(id), session.roundId, 'model', advertOf(id), sharesFor());
    const digest = committedSetDigest(
      session,
      IDS.map((id) => ({ participantId: id, maskPublicKey: maskKeys.get(id)!.publicKey })),
    );
    expect(await masking.fixSurvivors(session.roundId, 'model', ['bank-a', 'bank-b', 'bank-c'])).toEqual({ ok: true });
    const survivors = ['bank-a', 'bank-b', 'bank-c'];
    const sign = (id: string, set = survivors) =>
      signSurvivorSet(session, set, digest, testMemberKeys(FED, id).signSecretKey);
    // bank-d dropped: it signs nothing.
    expect(
      await reason(masking.signSurvivors(await member('bank-d'), session.roundId, 'model', IDS, sign('bank-d', IDS))),
    ).toBe('MASK_STEP_INVALID');
    // A reveal before signing, then a signature over another set, are refused.
    const share = new Uint8Array(33);
    expect(
      await reason(
        masking.reveal(await member('bank-a'), session.roundId, 'model', [
          { peerId: 'bank-b', kind: 'self-mask', share },
        ]),
      ),
    ).toBe('MASK_STEP_INVALID');
    expect(
      await reason(masking.signSurvivors(await member('bank-a'), session.roundId, 'model', survivors, sign('bank-b'))),
    ).toBe('MASK_STEP_INVALID');
    await masking.signSurvivors(await member('bank-a'), session.roundId, 'model', survivors, sign('bank-a'));
    // The dropped member's self-mask share would unmask its upload if it was late: refused; its mask-key share is allowed.
    expect(
      await reason(
        masking.reveal(await member('bank-a'), session.roundId, 'model', [
          { peerId: 'bank-d', kind: 'self-mask', share },
        ]),
      ),
    ).toBe('MASK_STEP_INVALID');
    const v = await masking.reveal(await member('bank-a'), session.roundId, 'model', [
      { peerId: 'bank-b', kind: 'self-mask', share },
      { peerId: 'bank-d', kind: 'mask-key', share },
    ]);
    expect(v.reveals.map((r) => `${r.peerId}:${r.kind}`).sort()).toEqual(['bank-b:self-mask', 'bank-d:mask-key']);
    // Another session with too few survivors fails and says why.
    await masking.open({ ...session, kind: 'count', threshold: 3, expected: IDS, advertDeadlineAt: t.clock.now() });
    const failed = await masking.fixSurvivors(session.roundId, 'count', ['bank-a', 'bank-b']);
    expect(failed).toEqual({
      ok: false,
      reason: expect.stringMatching(/2 members are in the masked count sum.*threshold is 3/),
    });
  });

  it('survivors gone before revealing: once its time is up the sum fails, unless the threshold revealed every share', async () => {
    // Every member in the sum, each signing the survivor set and then revealing its self-mask share of every peer.
    const unmask = async (at: MaskSession, revealers: string[]) => {
      for (const id of IDS)
        await masking.advertise(await member(id), at.roundId, at.kind, advertOf(id, at), sharesFor());
      await masking.fixSurvivors(at.roundId, at.kind, IDS);
      const keys = IDS.map((id) => ({ participantId: id, maskPublicKey: maskKeys.get(id)!.publicKey }));
      const digest = committedSetDigest(at, keys);
      for (const id of revealers) {
        const signature = signSurvivorSet(at, IDS, digest, testMemberKeys(FED, id).signSecretKey);
        await masking.signSurvivors(await member(id), at.roundId, at.kind, IDS, signature);
        const reveals = IDS.map((peerId) => ({ peerId, kind: 'self-mask', share: new Uint8Array(33) }));
        await masking.reveal(await member(id), at.roundId, at.kind, reveals);
      }
    };
    // Positive control: three of four revealed, the threshold: the sum can open, nothing fails.
    const count: MaskSession = { ...session, kind: 'count' };
    await masking.open({ ...count, threshold: 3, expected: IDS, advertDeadlineAt: t.clock.now() + 10_000 });
    await unmask(count, ['bank-a', 'bank-b', 'bank-c']);
    expect(await masking.failIfUnrevealed(session.roundId, 'count')).toBeNull();
    expect((await masking.view(await member('bank-a'), session.roundId, 'count')).state).toBe('confirming');

    // Two revealed: no seed can be rebuilt. The sum fails, says why, and takes nothing more.
    await unmask(session, ['bank-a', 'bank-b']);
    const stuck = await masking.failIfUnrevealed(session.roundId, 'model');
    expect(stuck).toEqual({
      reason: expect.stringMatching(/4 members are in .* from only 2 of them .* threshold is 3/),
    });
    const view = await masking.view(await member('bank-c'), session.roundId, 'model');
    expect({ state: view.state, failure: view.failure }).toEqual({ state: 'failed', failure: stuck!.reason });
    expect(await masking.failIfUnrevealed(session.roundId, 'model')).toEqual(stuck);
    const late = [{ peerId: 'bank-a', kind: 'self-mask', share: new Uint8Array(33) }];
    expect(await reason(masking.reveal(await member('bank-c'), session.roundId, 'model', late))).toBe(
      'MASK_STEP_OUT_OF_ORDER',
    );
    // A sum that is not masked has nothing to fail.
    expect(await masking.failIfUnrevealed(session.roundId, 'stats')).toBeNull();
  });
});
