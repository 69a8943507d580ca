import { EventEmitter } from 'events';
import type { Task__Output } from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { CoordinatorClient } from './coordinator-client';
import { TaskStream } from './task-stream';

/** A coordinator whose subscribe() hands out streams the test drives. */
function fakeClient() {
  const streams: (EventEmitter & { cancelled: boolean })[] = [];
  const client = {
    subscribe: () => {
      // Like grpc-js: a cancelled call ends with a CANCELLED error.
      const s: EventEmitter & { cancelled: boolean; cancel?: () => void } = Object.assign(new EventEmitter(), {
        cancelled: false,
      });
      s.cancel = () => {
        s.cancelled = true;
        s.emit('error', Object.assign(new Error('Cancelled on client'), { code: 1 }));
      };
      streams.push(s);
      return s;
    },
  } as unknown as Pick<CoordinatorClient, 'subscribe'>;
  return { client, streams };
}

const refusal = (reason: string) =>
  Object.assign(new Error(`refused: ${reason}`), { code: 7, metadata: { get: () => [reason] } });

function setup() {
  const { client, streams } = fakeClient();
  const got = { tasks: [] as Task__Output[], fatal: [] as Error[], warnings: [] as unknown[] };
  const log = { warn: (obj: unknown) => got.warnings.push(obj), info: () => undefined } as unknown as Logger;
  const delays: number[] = [];
  const stream = new TaskStream(
    client,
    '0.1.0',
    log,
    { task: (t) => got.tasks.push(t), notice: () => undefined, fatal: (e) => got.fatal.push(e) },
    { delay: (attempt) => (delays.push(attempt), 1000 * (attempt + 1)) },
  );
  return { stream, streams, got, delays };
}

describe('TaskStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('stop() cancels the open stream (a stopped agent can exit) and reconnects no more', () => {
    const { stream, streams, got } = setup();
    stream.start();
    stream.stop();
    expect(streams.map((s) => s.cancelled)).toEqual([true]);
    jest.advanceTimersByTime(60_000);
    expect(streams).toHaveLength(1);
    expect(got.warnings).toEqual([]);
  });

  it('hands on the tasks that arrive', () => {
    const { stream, streams, got } = setup();
    stream.start();
    streams[0].emit('data', { task: { taskId: 't1' } });
    expect(got.tasks).toEqual([{ taskId: 't1' }]);
  });

  it('reconnects after a backoff that grows while the coordinator stays away', () => {
    const { stream, streams, delays, got } = setup();
    stream.start();
    streams[0].emit('error', new Error('UNAVAILABLE'));
    streams[0].emit('end'); // the same loss reported twice reconnects once
    expect(got.warnings).toEqual([{ why: 'UNAVAILABLE', retryInMs: 1000 }]);
    jest.advanceTimersByTime(999);
    expect(streams).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(streams).toHaveLength(2);
    streams[1].emit('end');
    jest.advanceTimersByTime(2000);
    expect(streams).toHaveLength(3);
    expect(delays).toEqual([0, 1]);
  });

  it('starts the backoff over once the stream delivers again', () => {
    const { stream, streams, delays } = setup();
    stream.start();
    streams[0].emit('end');
    jest.advanceTimersByTime(1000);
    streams[1].emit('data', {});
    streams[1].emit('end');
    expect(delays).toEqual([0, 0]);
  });

  it('stops for good on a refusal retrying cannot fix, and says why', () => {
    const { stream, streams, got } = setup();
    stream.start();
    streams[0].emit('error', refusal('PARTICIPANT_REVOKED'));
    jest.advanceTimersByTime(60_000);
    expect(streams).toHaveLength(1);
    expect(got.fatal.map((e) => e.message)).toEqual([
      'coordinator refused this agent (PARTICIPANT_REVOKED): refused: PARTICIPANT_REVOKED',
    ]);
  });

  it('retries a refusal that is not about who the agent is', () => {
    const { stream, streams, got } = setup();
    stream.start();
    streams[0].emit('error', refusal('UNAVAILABLE_FOR_NOW'));
    jest.advanceTimersByTime(1000);
    expect(streams).toHaveLength(2);
    expect(got.fatal).toEqual([]);
  });

  it('does not reconnect once stopped', () => {
    const { stream, streams } = setup();
    stream.start();
    streams[0].emit('end');
    stream.stop();
    jest.advanceTimersByTime(60_000);
    expect(streams).toHaveLength(1);
  });
});
