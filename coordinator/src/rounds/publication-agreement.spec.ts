import { judgePublication, publicationDeadline } from './publication-agreement';

const HONEST = 'a'.repeat(64);
const IMPOSED = 'b'.repeat(64);
const confirmed = (...xs: [string, string][]) =>
  xs.map(([participantId, modelSha256]) => ({ participantId, modelSha256 }));

describe('judgePublication: a published model is recorded only once another member confirms it', () => {
  it('holds a model in the clear that only its publisher vouches for', () => {
    const pending = { publisherId: 'A', payloadSha256: HONEST };
    expect(judgePublication({ pending, confirmations: [] }).kind).toBe('wait');
    expect(judgePublication({ pending, confirmations: confirmed(['A', HONEST]) }).kind).toBe('wait');
  });

  it('attack: a publisher uploads a model other than the one members computed; never recorded', () => {
    const pending = { publisherId: 'A', payloadSha256: IMPOSED };
    const v = judgePublication({ pending, confirmations: confirmed(['B', HONEST], ['C', HONEST]) });
    expect(v).toEqual({ kind: 'wait', why: 'the published model is not the one members confirmed' });
  });

  it('attack: a sealed model confirmed by others but not by its publisher is not bound to them', () => {
    const pending = { publisherId: 'A', payloadSha256: null };
    expect(judgePublication({ pending, confirmations: confirmed(['B', HONEST], ['C', HONEST]) }).kind).toBe('wait');
  });

  it('never records while confirmations disagree', () => {
    const pending = { publisherId: 'A', payloadSha256: null };
    expect(judgePublication({ pending, confirmations: confirmed(['A', IMPOSED], ['B', HONEST]) })).toMatchObject({
      kind: 'wait',
      why: 'members confirmed different models',
    });
  });

  it('positive control: an honest publication confirmed by a second member is recorded', () => {
    expect(
      judgePublication({
        pending: { publisherId: 'A', payloadSha256: HONEST },
        confirmations: confirmed(['B', HONEST], ['A', HONEST]),
      }),
    ).toEqual({ kind: 'record', sha256: HONEST, confirmedBy: ['B', 'A'] });
    expect(
      judgePublication({
        pending: { publisherId: 'A', payloadSha256: null },
        confirmations: confirmed(['A', HONEST], ['C', HONEST]),
      }).kind,
    ).toBe('record');
  });

  it('waits for an upload even when members agree', () => {
    expect(judgePublication({ pending: null, confirmations: confirmed(['A', HONEST], ['B', HONEST]) }).kind).toBe(
      'wait',
    );
  });

  it('gives an unconfirmed publication as long after the close as the round had to collect', () => {
    expect(publicationDeadline({ openedAt: 1000, deadlineAt: 61_000, closedAt: 70_000 })).toBe(130_000);
    expect(publicationDeadline({ openedAt: 1000, deadlineAt: 61_000, closedAt: null })).toBe(121_000);
  });
});
