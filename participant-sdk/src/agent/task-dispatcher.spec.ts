import * as grpc from '@grpc/grpc-js';
import type { Task__Output } from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentContext } from './agent-context';
import { CoordinatorCallError } from './coordinator-client';
import { TaskDispatcher } from './task-dispatcher';

const task = (over: Partial<Task__Output> = {}): Task__Output =>
  ({
    taskId: 't',
    type: 'TASK_TYPE_TRAIN',
    roundId: 'r1',
    roundNumber: 1,
    modelVersionId: 'm1',
    keyEpoch: 0,
    parameterSet: '',
    publisher: false,
    ...over,
  }) as Task__Output;

const refusal = (reason: string) => new CoordinatorCallError('UploadUpdate', grpc.status.ALREADY_EXISTS, reason, 'no');

function logger() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, msg, obj });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger };
}

/** An executor that records what it ran and fails with whatever the test queued for it. */
function recorder() {
  const ran: string[] = [];
  const failures: unknown[] = [];
  const executor = {
    execute: (t: Task__Output) => {
      ran.push(`${t.type}:${t.roundId}`);
      const failure = failures.shift();
      return failure ? Promise.reject(failure) : Promise.resolve();
    },
  };
  return { ran, failures, executor };
}

const ctx = {} as AgentContext;

describe('TaskDispatcher', () => {
  it('runs each kind through its own executor, in the order offered', async () => {
    const train = recorder();
    const count = recorder();
    const { log } = logger();
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: train.executor, TASK_TYPE_COUNT: count.executor }, ctx, log);
    d.offer(task({ type: 'TASK_TYPE_COUNT', roundId: 'a' }));
    d.offer(task({ roundId: 'b' }));
    d.offer(task({ type: 'TASK_TYPE_COUNT', roundId: 'c' }));
    await d.idle();
    expect(count.ran).toEqual(['TASK_TYPE_COUNT:a', 'TASK_TYPE_COUNT:c']);
    expect(train.ran).toEqual(['TASK_TYPE_TRAIN:b']);
  });

  it('runs a settled task once, however often the coordinator re-offers it', async () => {
    const train = recorder();
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: train.executor }, ctx, logger().log);
    d.offer(task());
    d.offer(task());
    await d.idle();
    d.offer(task());
    await d.idle();
    expect(train.ran).toHaveLength(1);
  });

  it('logs a failed task and runs it again when re-offered', async () => {
    const train = recorder();
    train.failures.push(new Error('disk full'));
    const { log, lines } = logger();
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: train.executor }, ctx, log);
    d.offer(task());
    await d.idle();
    expect(lines).toEqual([
      {
        level: 'error',
        msg: 'task failed',
        obj: expect.objectContaining({ type: 'TASK_TYPE_TRAIN', err: 'disk full' }),
      },
    ]);
    d.offer(task());
    await d.idle();
    expect(train.ran).toHaveLength(2);
  });

  it.each(['DUPLICATE_UPDATE', 'EVALUATION_NOT_COLLECTING'])(
    'settles a task refused as %s without an error',
    async (r) => {
      const train = recorder();
      train.failures.push(refusal(r));
      const { log, lines } = logger();
      const d = new TaskDispatcher({ TASK_TYPE_TRAIN: train.executor }, ctx, log);
      d.offer(task());
      await d.idle();
      d.offer(task());
      await d.idle();
      expect(train.ran).toHaveLength(1);
      expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'task already settled']]);
    },
  );

  it('settles a task of a key epoch this member was not dealt into', async () => {
    const train = recorder();
    train.failures.push(refusal('NOT_A_KEY_MEMBER'));
    const { log, lines } = logger();
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: train.executor }, ctx, log);
    d.offer(task());
    await d.idle();
    d.offer(task());
    await d.idle();
    expect(train.ran).toHaveLength(1);
    expect(lines.map((l) => l.msg)).toEqual(['skipped: this member joins at the next key epoch']);
  });

  it('passes over a kind it has no executor for without a failure', async () => {
    const { log, lines } = logger();
    const d = new TaskDispatcher({}, ctx, log);
    d.offer(task({ type: 'TASK_TYPE_UNSPECIFIED' }));
    await d.idle();
    expect(lines).toEqual([]);
  });

  it('drops queued work of a cancelled round but finishes the task running now', async () => {
    let release!: () => void;
    const ran: string[] = [];
    const executor = {
      execute: async (t: Task__Output) => {
        ran.push(t.roundId);
        if (t.roundId === 'r1' && ran.length === 1) await new Promise<void>((r) => (release = r));
      },
    };
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: executor, TASK_TYPE_COUNT: executor }, ctx, logger().log);
    d.offer(task({ roundId: 'r1' }));
    d.offer(task({ roundId: 'r2' }));
    d.offer(task({ roundId: 'r1', type: 'TASK_TYPE_COUNT' }));
    expect(d.dropRound('r1')).toBe(1);
    release();
    await d.idle();
    expect(ran).toEqual(['r1', 'r2']);
  });

  it('runs nothing more once stopped', async () => {
    let release!: () => void;
    const ran: string[] = [];
    const executor = {
      execute: async (t: Task__Output) => {
        ran.push(t.roundId);
        if (ran.length === 1) await new Promise<void>((r) => (release = r));
      },
    };
    const d = new TaskDispatcher({ TASK_TYPE_TRAIN: executor }, ctx, logger().log);
    d.offer(task({ roundId: 'r1' }));
    d.offer(task({ roundId: 'r2' }));
    d.stop();
    release();
    await d.idle();
    expect(ran).toEqual(['r1']);
  });
});
