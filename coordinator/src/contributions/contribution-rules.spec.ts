import type { Round } from '../rounds/round.entity';
import {
  assertRoundTakes,
  assertShape,
  assertStillTakes,
  checksMembership,
  type ContributionClaim,
} from './contribution-rules';

const round = (over: Partial<Round> = {}): Round =>
  ({
    id: 'rnd_1',
    number: 3,
    state: 'collecting',
    mode: 'plaintext',
    baseModelVersionId: 'mdl_base',
    resultModelVersionId: null,
    ...over,
  }) as Round;
const claim = (over: Partial<ContributionClaim> = {}): ContributionClaim => ({
  kind: 'model',
  baseModelVersionId: 'mdl_base',
  encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
  numParams: 5,
  ...over,
});
const reasonOf = (fn: () => void): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { reason: string }).reason;
  }
};

describe('contribution rules', () => {
  it('an update goes to a collecting round, from its base model', () => {
    expect(reasonOf(() => assertRoundTakes(round(), claim()))).toBe('ok');
    expect(reasonOf(() => assertRoundTakes(round(), claim({ baseModelVersionId: 'mdl_old' })))).toBe(
      'STALE_BASE_MODEL',
    );
    expect(reasonOf(() => assertRoundTakes(round({ state: 'counting' }), claim()))).toBe('ROUND_NOT_COLLECTING');
  });

  it('counts go to a counting secure round only; feature statistics to a counting round of either mode', () => {
    const counting = round({ state: 'counting', mode: 'secure' });
    const plainCounting = { ...counting, mode: 'plaintext' } as Round;
    expect(reasonOf(() => assertRoundTakes(counting, claim({ kind: 'count' })))).toBe('ok');
    expect(reasonOf(() => assertRoundTakes(counting, claim({ kind: 'stats' })))).toBe('ok');
    expect(reasonOf(() => assertRoundTakes(plainCounting, claim({ kind: 'count' })))).toBe('UNEXPECTED_COUNT');
    expect(reasonOf(() => assertRoundTakes(plainCounting, claim({ kind: 'stats' })))).toBe('ok');
    expect(reasonOf(() => assertRoundTakes(round(), claim({ kind: 'stats' })))).toBe('ROUND_NOT_COUNTING');
    expect(reasonOf(() => assertRoundTakes(round({ mode: 'secure' }), claim({ kind: 'count' })))).toBe(
      'ROUND_NOT_COUNTING',
    );
  });

  it('histograms score the model the round published', () => {
    const published = round({ state: 'published', resultModelVersionId: 'mdl_new' });
    expect(
      reasonOf(() => assertRoundTakes(published, claim({ kind: 'evaluation', baseModelVersionId: 'mdl_new' }))),
    ).toBe('ok');
    expect(reasonOf(() => assertRoundTakes(published, claim({ kind: 'evaluation' })))).toBe('WRONG_MODEL');
    expect(reasonOf(() => assertRoundTakes(round(), claim({ kind: 'evaluation' })))).toBe('EVALUATION_NOT_COLLECTING');
  });

  it('the encoding follows the mode and kind; an update matches the model', () => {
    expect(reasonOf(() => assertShape(round(), claim(), 5))).toBe('ok');
    expect(reasonOf(() => assertShape(round(), claim(), 6))).toBe('SHAPE_MISMATCH');
    expect(reasonOf(() => assertShape(round({ mode: 'secure' }), claim(), 5))).toBe('UNSUPPORTED_ENCODING');
    expect(
      reasonOf(() => assertShape(round({ mode: 'secure' }), claim({ encoding: 'PAYLOAD_ENCODING_BFV_PACKED' }), 5)),
    ).toBe('ok');
  });

  it('membership is checked for secure contributions and histograms, not plaintext updates', () => {
    expect(checksMembership(round(), 'model')).toBe(false);
    expect(checksMembership(round(), 'evaluation')).toBe(true);
    expect(checksMembership(round(), 'stats')).toBe(true);
    expect(checksMembership(round({ mode: 'secure' }), 'model')).toBe(true);
  });

  it('inside the transaction, a round that moved on or vanished refuses', () => {
    expect(reasonOf(() => assertStillTakes(round(), 'rnd_1', 'model'))).toBe('ok');
    expect(reasonOf(() => assertStillTakes(null, 'rnd_1', 'model'))).toBe('ROUND_NOT_COLLECTING');
    expect(reasonOf(() => assertStillTakes(round(), 'rnd_1', 'count'))).toBe('ROUND_NOT_COUNTING');
  });
});
