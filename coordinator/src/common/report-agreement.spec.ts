import { judgeReport } from './report-agreement';

describe('report agreement', () => {
  it('keeps the first report aside, and records only when a second member agrees', () => {
    expect(judgeReport(null, { participantId: 'a', canonical: 'x' })).toEqual({ kind: 'first' });
    const stored = { canonical: 'x', reporters: ['a'] };
    expect(judgeReport(stored, { participantId: 'a', canonical: 'x' })).toEqual({ kind: 'repeat' });
    expect(judgeReport(stored, { participantId: 'b', canonical: 'x' })).toEqual({
      kind: 'agrees',
      reporters: ['a', 'b'],
      enough: true,
    });
  });

  it('refuses a report that differs, naming the first reporter, even from the first reporter itself', () => {
    const stored = { canonical: 'x', reporters: ['a'] };
    expect(judgeReport(stored, { participantId: 'b', canonical: 'y' })).toEqual({
      kind: 'mismatch',
      firstReportedBy: 'a',
    });
    expect(judgeReport(stored, { participantId: 'a', canonical: 'y' }).kind).toBe('mismatch');
  });
});
