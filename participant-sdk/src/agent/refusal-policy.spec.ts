import { isReasonCode } from '@syndicate/protocol';
import { FATAL_REASONS, NEXT_EPOCH_REASONS, SETTLED_REASONS } from './refusal-policy';

describe('refusal policy', () => {
  it('names only listed codes', () => {
    for (const code of [...FATAL_REASONS, ...SETTLED_REASONS, ...NEXT_EPOCH_REASONS])
      expect(isReasonCode(code)).toBe(true);
  });

  it('a refusal is at most one of fatal, settled or next-epoch', () => {
    const all = [...FATAL_REASONS, ...SETTLED_REASONS, ...NEXT_EPOCH_REASONS];
    expect(new Set(all).size).toBe(all.length);
  });

  it('a re-sent update is settled, a revoked member is fatal', () => {
    expect(SETTLED_REASONS.has('DUPLICATE_UPDATE')).toBe(true);
    expect(FATAL_REASONS.has('PARTICIPANT_REVOKED')).toBe(true);
    expect(FATAL_REASONS.has('DUPLICATE_UPDATE')).toBe(false);
  });
});
