import { Readable } from 'stream';
import { limitReadAhead } from './read-ahead';

/** An object-mode source like a grpc-js server stream: counts how many messages were pulled from the wire. */
function source(messages: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    objectMode: true,
    read() {
      if (pulled === messages) return void this.push(null);
      pulled++;
      setImmediate(() => this.push({ index: pulled }));
    },
  });
  return { stream, pulled: () => pulled };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('limitReadAhead', () => {
  it('pulls nothing beyond the message asked for, so a queued upload stays at its sender', async () => {
    const { stream, pulled } = source(10);
    limitReadAhead(stream);
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ index: 1 });
    await settle();
    expect(pulled()).toBe(1);
    expect((await it.next()).value).toEqual({ index: 2 });
    await settle();
    expect(pulled()).toBe(2);
  });

  it('still reads every message to the end', async () => {
    const { stream } = source(5);
    limitReadAhead(stream);
    const seen: number[] = [];
    for await (const m of stream) seen.push((m as { index: number }).index);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('without it, an unread stream would buffer ahead (what the limit exists for)', async () => {
    const { stream, pulled } = source(40);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await settle();
    expect(pulled()).toBeGreaterThan(1);
  });
});
