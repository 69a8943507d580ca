import type { CoordinatorClient } from '@syndicate/participant';
import type { FederationNotice__Output, Task__Output } from '@syndicate/protocol';

/** Keeps an agent's task stream open and lets a test await tasks by type. */
export class TaskInbox {
  private readonly tasks: Task__Output[] = [];
  /** Admin notices (pause, resume, cancel) in arrival order. */
  readonly notices: FederationNotice__Output[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly stream;
  private closed = false;

  constructor(client: CoordinatorClient) {
    this.stream = client.subscribe('test');
    this.stream.on('data', (msg) => {
      if (msg.notice) this.notices.push(msg.notice);
      if (!msg.task) return;
      this.tasks.push(msg.task);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.stream.on('error', () => undefined);
  }

  async next(type: Task__Output['type'], timeoutMs = 30_000): Promise<Task__Output> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.tasks.findIndex((t) => t.type === type);
      if (i >= 0) return this.tasks.splice(i, 1)[0];
      if (this.closed) throw new Error(`inbox closed while waiting for ${type}`);
      if (Date.now() > deadline) throw new Error(`no ${type} task within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        // Unref'd: a waiter that lost a Promise.any race must not keep the process alive.
        const t = setTimeout(resolve, 200);
        t.unref();
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  has(type: Task__Output['type']): boolean {
    return this.tasks.some((t) => t.type === type);
  }

  close(): void {
    this.closed = true;
    this.stream.cancel();
  }
}
