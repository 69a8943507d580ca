import type { FederationNotice__Output } from '@syndicate/protocol';
import type { Logger } from 'pino';
import { handleNotice } from './federation-notice';

function logger() {
  const lines: [string, unknown, string][] = [];
  const at = (level: string) => (obj: unknown, msg: string) => lines.push([level, obj, msg]);
  return { lines, log: { info: at('info'), warn: at('warn') } as unknown as Logger };
}

const notice = (over: Partial<FederationNotice__Output>) =>
  ({ roundId: 'r1', roundNumber: 3, message: 'by the admin', deadlineUnixMs: '', ...over }) as FederationNotice__Output;

describe('handleNotice', () => {
  it("drops a cancelled round's queued work and says how much", () => {
    const { log, lines } = logger();
    const dropped: string[] = [];
    handleNotice(notice({ kind: 'KIND_ROUND_CANCELLED' }), { dropRound: (id) => (dropped.push(id), 2) }, log);
    expect(dropped).toEqual(['r1']);
    expect(lines).toEqual([
      ['warn', { round: 3, roundId: 'r1', dropped: 2, why: 'by the admin' }, 'round cancelled by the consortium'],
    ]);
  });

  it('keeps queued work when the federation pauses or resumes', () => {
    const { log, lines } = logger();
    const queue = { dropRound: jest.fn(() => 0) };
    handleNotice(notice({ kind: 'KIND_PAUSED' }), queue, log);
    handleNotice(notice({ kind: 'KIND_RESUMED', deadlineUnixMs: '1700000000000' }), queue, log);
    expect(queue.dropRound).not.toHaveBeenCalled();
    expect(lines).toEqual([
      [
        'warn',
        { round: 3, why: 'by the admin' },
        'federation paused by the consortium: work already sent is kept, the round waits',
      ],
      ['info', { round: 3, deadline: '2023-11-14T22:13:20.000Z' }, 'federation resumed'],
    ]);
  });

  it('ignores a kind it does not know', () => {
    const { log, lines } = logger();
    handleNotice(notice({ kind: 'KIND_UNSPECIFIED' }), { dropRound: () => 0 }, log);
    expect(lines).toEqual([]);
  });
});
