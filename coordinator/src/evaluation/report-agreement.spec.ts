import type { HistogramRecord } from './histogram-record';
import { judgeReport } from './report-agreement';

const h = (n: number): HistogramRecord => ({
  bins: 2,
  negatives: [n, 1],
  positives: [1, n],
  sumSquaredError: 0.5,
  sumLogLoss: 1.25,
});

describe('report agreement', () => {
  it('keeps the first report aside, and records only when a second member agrees', () => {
    expect(judgeReport(null, { participantId: 'a', validation: h(3), test: h(4) })).toEqual({ kind: 'first' });
    const stored = { validation: h(3), test: h(4), reporters: ['a'] };
    expect(judgeReport(stored, { participantId: 'a', validation: h(3), test: h(4) })).toEqual({ kind: 'repeat' });
    expect(judgeReport(stored, { participantId: 'b', validation: h(3), test: h(4) })).toEqual({
      kind: 'agrees',
      reporters: ['a', 'b'],
      enough: true,
    });
  });

  it('refuses a report that differs in the validation or the test histogram, naming the first reporter', () => {
    const stored = { validation: h(3), test: h(4), reporters: ['a'] };
    expect(judgeReport(stored, { participantId: 'b', validation: h(5), test: h(4) })).toEqual({
      kind: 'mismatch',
      firstReportedBy: 'a',
    });
    expect(judgeReport(stored, { participantId: 'b', validation: h(3), test: h(6) }).kind).toBe('mismatch');
    // The same member cannot confirm itself with different figures either.
    expect(judgeReport(stored, { participantId: 'a', validation: h(5), test: h(4) }).kind).toBe('mismatch');
  });
});
