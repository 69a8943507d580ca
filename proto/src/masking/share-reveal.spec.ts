import type { MaskSession } from './mask-session';
import { bothKindsAsked, checkReveal, type RevealState } from './share-reveal';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'evaluation' };
const ids = ['bank-a', 'bank-b', 'bank-c', 'bank-d', 'bank-e'];
const share = (id: string, kind: number) => Uint8Array.of(ids.indexOf(id), kind);
const state: RevealState = {
  session,
  selfId: 'bank-a',
  threshold: 3,
  committed: new Set(ids),
  holdings: new Map(ids.map((id) => [id, { from: id, selfShare: share(id, 1), keyShare: share(id, 2) }])),
  signedSurvivors: ['bank-a', 'bank-b', 'bank-c', 'bank-d'],
  revealed: new Map(),
};
const survivors = state.signedSurvivors!;
const refusal = (v: ReturnType<typeof checkReveal>) => (v.ok ? 'ok' : v.code);

describe('share reveal', () => {
  it("reveals survivors' self-mask shares and dropped members' mask-key shares", () => {
    const v = checkReveal(
      {
        session,
        survivors,
        asks: [
          { peerId: 'bank-b', kind: 'self-mask' },
          { peerId: 'bank-e', kind: 'mask-key' },
          { peerId: 'bank-a', kind: 'self-mask' },
        ],
      },
      state,
    );
    expect(v).toEqual({
      ok: true,
      reveals: [
        { peerId: 'bank-b', kind: 'self-mask', share: share('bank-b', 1) },
        { peerId: 'bank-e', kind: 'mask-key', share: share('bank-e', 2) },
        { peerId: 'bank-a', kind: 'self-mask', share: share('bank-a', 1) },
      ],
    });
  });

  it.each([
    [
      'both kinds for one peer in one request',
      [
        { peerId: 'bank-e', kind: 'mask-key' },
        { peerId: 'bank-e', kind: 'self-mask' },
      ],
    ],
    ["a survivor's mask-key share", [{ peerId: 'bank-b', kind: 'mask-key' }]],
    ["a dropped member's self-mask share", [{ peerId: 'bank-e', kind: 'self-mask' }]],
  ] as const)('refuses %s with MASK_BOTH_SHARES_REQUESTED', (_what, asks) => {
    expect(refusal(checkReveal({ session, survivors, asks }, state))).toBe('MASK_BOTH_SHARES_REQUESTED');
  });

  it('refuses the other kind than one already revealed (remembered across restarts)', () => {
    const v = checkReveal(
      { session, survivors, asks: [{ peerId: 'bank-b', kind: 'self-mask' }] },
      { ...state, revealed: new Map([['bank-b', 'mask-key']]) },
    );
    expect(v).toEqual({
      ok: false,
      code: 'MASK_BOTH_SHARES_REQUESTED',
      message: expect.stringMatching(/already had its mask-key share revealed/),
    });
  });

  it('refuses a survivor set other than the one this member signed, or none signed yet', () => {
    const other = ['bank-a', 'bank-b', 'bank-c'];
    const asks = [{ peerId: 'bank-b', kind: 'self-mask' }] as const;
    expect(refusal(checkReveal({ session, survivors: other, asks }, state))).toBe('SURVIVOR_SET_MISMATCH');
    expect(refusal(checkReveal({ session, survivors, asks }, { ...state, signedSurvivors: null }))).toBe(
      'SURVIVOR_SET_MISMATCH',
    );
    expect(refusal(checkReveal({ session: { ...session, kind: 'model' }, survivors, asks }, state))).toBe(
      'SURVIVOR_SET_MISMATCH',
    );
  });

  it('reveals nothing when fewer than the threshold survived', () => {
    const few = ['bank-a', 'bank-b'];
    const v = checkReveal(
      { session, survivors: few, asks: [{ peerId: 'bank-c', kind: 'mask-key' }] },
      { ...state, signedSurvivors: few },
    );
    expect(v).toEqual({
      ok: false,
      code: 'TOO_FEW_SURVIVORS',
      message: expect.stringMatching(/2 of .* threshold is 3/),
    });
  });

  it('on a sparse graph, acts on survivors beyond its neighbourhood and counts the threshold within it', () => {
    const sparse: RevealState = {
      ...state,
      committed: new Set([...ids, 'bank-f', 'bank-g']),
      signedSurvivors: ['bank-a', 'bank-b', 'bank-c', 'bank-f', 'bank-g'],
    };
    const asks = [
      { peerId: 'bank-c', kind: 'self-mask' },
      { peerId: 'bank-d', kind: 'mask-key' },
    ] as const;
    const v = checkReveal({ session, survivors: sparse.signedSurvivors!, asks }, sparse);
    expect(v.ok && v.reveals.map((r) => r.share)).toEqual([share('bank-c', 1), share('bank-d', 2)]);
    const thin = { ...sparse, signedSurvivors: ['bank-a', 'bank-b', 'bank-f', 'bank-g'] };
    expect(refusal(checkReveal({ session, survivors: thin.signedSurvivors, asks }, thin))).toBe('TOO_FEW_SURVIVORS');
  });

  it('refuses a survivor outside the committed set', () => {
    const odd = { ...state, signedSurvivors: ['bank-a', 'bank-b', 'bank-c', 'bank-x'] };
    const v = checkReveal({ session, survivors: odd.signedSurvivors, asks: [] }, odd);
    expect(v).toEqual({
      ok: false,
      code: 'SURVIVOR_SET_MISMATCH',
      message: expect.stringMatching(/bank-x took no part/),
    });
  });

  it('refuses shares of a member that dealt none', () => {
    const v = checkReveal({ session, survivors, asks: [{ peerId: 'bank-z', kind: 'mask-key' }] }, state);
    expect(refusal(v)).toBe('MASK_SHARE_UNKNOWN_PEER');
  });

  it('names a peer whose other kind of share a changed survivor set would ask for', () => {
    const revealed = new Map([
      ['bank-b', 'self-mask' as const],
      ['bank-e', 'mask-key' as const],
    ]);
    expect(bothKindsAsked(survivors, revealed)).toBeNull();
    expect(bothKindsAsked(['bank-a', 'bank-c', 'bank-d'], revealed)).toEqual({
      peerId: 'bank-b',
      revealed: 'self-mask',
      asked: 'mask-key',
    });
    expect(bothKindsAsked([...survivors, 'bank-e'], revealed)).toMatchObject({ peerId: 'bank-e', asked: 'self-mask' });
  });
});
