import { TaskQueue, taskKey, type TaskIdentity } from './task-queue';

const task = (over: Partial<TaskIdentity> = {}): TaskIdentity => ({
  type: 'TASK_TYPE_TRAIN',
  modelVersionId: 'm1',
  roundId: 'r1',
  keyEpoch: 1,
  publisher: false,
  ...over,
});

describe('TaskQueue', () => {
  it('runs tasks in the order they were offered', () => {
    const q = new TaskQueue<TaskIdentity>();
    const a = task({ roundId: 'a' });
    const b = task({ roundId: 'b' });
    const c = task({ roundId: 'c' });
    [a, b, c].forEach((t) => expect(q.offer(t)).toBe(true));
    expect([q.take(), q.take(), q.take(), q.take()]).toEqual([a, b, c, undefined]);
  });

  it('ignores a re-offer of a task already queued', () => {
    const q = new TaskQueue<TaskIdentity>();
    expect(q.offer(task())).toBe(true);
    expect(q.offer(task())).toBe(false);
    expect(q.size).toBe(1);
  });

  it('ignores a re-offer of the task running now', () => {
    const q = new TaskQueue<TaskIdentity>();
    q.offer(task());
    q.take();
    expect(q.offer(task())).toBe(false);
    expect(q.size).toBe(0);
  });

  it('never runs a settled task again', () => {
    const q = new TaskQueue<TaskIdentity>();
    const t = task();
    q.offer(t);
    q.settle(q.take()!);
    expect(q.isSettled(t)).toBe(true);
    expect(q.offer(task())).toBe(false);
    expect(q.take()).toBeUndefined();
  });

  it('skips a queued copy that settled while it waited', () => {
    const q = new TaskQueue<TaskIdentity>();
    const t = task();
    q.offer(t);
    q.settle(t);
    expect(q.take()).toBeUndefined();
  });

  it('takes a failed task again when it is re-offered', () => {
    const q = new TaskQueue<TaskIdentity>();
    q.offer(task());
    q.release(q.take()!);
    expect(q.offer(task())).toBe(true);
    expect(q.take()).toEqual(task());
  });

  it('tells apart tasks that differ in any identifying field', () => {
    const q = new TaskQueue<TaskIdentity>();
    const variants = [
      task(),
      task({ type: 'TASK_TYPE_COUNT' }),
      task({ modelVersionId: 'm2' }),
      task({ roundId: 'r2' }),
      task({ keyEpoch: 2 }),
      task({ publisher: true }),
    ];
    expect(variants.map((t) => q.offer(t))).toEqual(variants.map(() => true));
    expect(new Set(variants.map(taskKey)).size).toBe(variants.length);
  });

  it('drops only the cancelled round, keeping the order of the rest', () => {
    const q = new TaskQueue<TaskIdentity>();
    const keep1 = task({ roundId: 'r1' });
    const keep2 = task({ roundId: 'r1', type: 'TASK_TYPE_COUNT' });
    q.offer(keep1);
    q.offer(task({ roundId: 'r2' }));
    q.offer(keep2);
    q.offer(task({ roundId: 'r2', type: 'TASK_TYPE_COUNT' }));
    expect(q.dropRound('r2')).toBe(2);
    expect([q.take(), q.take(), q.take()]).toEqual([keep1, keep2, undefined]);
  });

  it('lets a dropped task be offered again (nothing settled it)', () => {
    const q = new TaskQueue<TaskIdentity>();
    q.offer(task());
    q.dropRound('r1');
    expect(q.offer(task())).toBe(true);
  });
});
