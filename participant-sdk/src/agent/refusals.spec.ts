import { isReasonCode } from '@syndicate/protocol';
import { ALREADY_SETTLED_REASONS, classifyRefusal, FATAL_REASONS, NOT_A_KEY_MEMBER } from './refusals';

describe('classifyRefusal', () => {
  it.each([
    'DUPLICATE_UPDATE',
    'DUPLICATE_COUNT',
    'DUPLICATE_EVALUATION',
    'DUPLICATE_STATS',
    'EVALUATION_NOT_COLLECTING',
  ])('treats %s as work already settled', (reason) => expect(classifyRefusal(reason)).toBe('already-settled'));

  it('skips a key epoch this member was not dealt into', () => {
    expect(classifyRefusal('NOT_A_KEY_MEMBER')).toBe('not-a-key-member');
  });

  it.each(['', 'ROUND_NOT_COLLECTING', 'STALE_BASE_MODEL', 'duplicate_update'])(
    'lets %p fail, to be retried',
    (reason) => expect(classifyRefusal(reason)).toBe('failed'),
  );

  it('stops the agent only on refusals about who it is', () => {
    expect([...FATAL_REASONS].sort()).toEqual([
      'FEDERATION_NOT_FOUND',
      'PARTICIPANT_REVOKED',
      'UNKNOWN_PARTICIPANT',
      'WRONG_FEDERATION',
    ]);
  });

  it('names only listed codes, each in at most one set', () => {
    const all = [...FATAL_REASONS, ...ALREADY_SETTLED_REASONS, NOT_A_KEY_MEMBER];
    for (const code of all) expect(isReasonCode(code)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });
});
