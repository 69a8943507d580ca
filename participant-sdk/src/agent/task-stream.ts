import { REASON_METADATA_KEY } from '@syndicate/protocol';
import type { FederationNotice__Output, Task__Output } from '@syndicate/protocol';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff';
import type { CoordinatorClient } from './coordinator-client';
import { initialConnection, nextConnection, type ConnectionEvent } from './connection-state';
import { writeConnectionRecord } from './health-file';
import { FATAL_REASONS } from './refusals';

export interface TaskStreamEvents {
  task(task: Task__Output): void;
  notice(notice: FederationNotice__Output): void;
  /** The coordinator refused this agent for good; the stream will not reconnect. */
  fatal(err: Error): void;
}

/**
 * The one outbound stream to the coordinator: subscribes, hands on what arrives, and
 * reconnects with backoff whenever the stream is cut. All connect/reconnect logic lives here.
 */
export class TaskStream {
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private current?: { cancel(): void };
  private attempt = 0;
  private connection = initialConnection(Date.now(), process.pid);

  constructor(
    private readonly client: Pick<CoordinatorClient, 'subscribe'>,
    private readonly agentVersion: string,
    private readonly logger: Logger,
    private readonly events: TaskStreamEvents,
    private readonly opts: {
      /** Where the liveness file goes (the state directory). */
      healthDir?: string;
      /** Wait before reconnect attempt n (0-based). */
      delay?: (attempt: number) => number;
    } = {},
  ) {}

  start(): void {
    this.connect();
  }

  /** Cancels the open stream too: while it is open the process cannot exit (SIGTERM took until the coordinator idled it out). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.current?.cancel();
  }

  /** Keeps the health record honest, and says when the stream is up again and after how long. */
  private observe(e: ConnectionEvent): void {
    const { record, line } = nextConnection(this.connection, e);
    this.connection = record;
    // Each lost attempt is already logged with its retry delay below; here only the recoveries.
    if (line && e.type === 'heard') this.logger[line.level](line.fields, line.message);
    if (this.opts.healthDir) writeConnectionRecord(this.opts.healthDir, record);
  }

  private connect(): void {
    if (this.stopped) return;
    const stream = this.client.subscribe(this.agentVersion);
    this.current = stream;
    let ended = false;
    const reconnect = (why: string) => {
      if (ended) return;
      ended = true;
      if (this.stopped) return;
      const delay = (this.opts.delay ?? backoffDelay)(this.attempt++);
      this.logger.warn({ why, retryInMs: delay }, 'task stream lost; reconnecting');
      this.observe({ type: 'lost', at: Date.now(), why, retryInMs: delay });
      // Not unref'd: this timer is what keeps a daemon alive while the coordinator is away.
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    };
    stream.on('data', (msg) => {
      this.attempt = 0;
      this.observe({ type: 'heard', at: Date.now() });
      if (msg.task) this.events.task(msg.task);
      if (msg.notice) this.events.notice(msg.notice);
    });
    stream.on('error', (err: Error & { code?: number; metadata?: { get(k: string): unknown[] } }) => {
      const reason = String(err.metadata?.get(REASON_METADATA_KEY)?.[0] ?? '');
      if (FATAL_REASONS.has(reason)) {
        ended = true;
        this.stop();
        this.events.fatal(new Error(`coordinator refused this agent (${reason}): ${err.message}`));
        return;
      }
      reconnect(err.message);
    });
    stream.on('end', () => reconnect('stream ended'));
  }
}
