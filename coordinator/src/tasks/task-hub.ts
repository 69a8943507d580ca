import { Injectable } from '@nestjs/common';
import type { FederationNotice, Task } from '@syndicate/protocol';

export interface TaskSink {
  send(task: Task): void;
  notify(notice: FederationNotice): void;
  close(): void;
}

interface Subscriber {
  federationId: string;
  sink: TaskSink;
}

/**
 * The open Subscribe streams, one per connected agent. Banks dial out; this is the
 * only way the coordinator can reach them.
 */
@Injectable()
export class TaskHub {
  private readonly subscribers = new Map<string, Subscriber>();

  attach(participantId: string, federationId: string, sink: TaskSink): () => void {
    // A reconnecting agent replaces its stale stream.
    this.subscribers.get(participantId)?.sink.close();
    const entry = { federationId, sink };
    this.subscribers.set(participantId, entry);
    return () => {
      if (this.subscribers.get(participantId) === entry) this.subscribers.delete(participantId);
    };
  }

  detach(participantId: string): void {
    this.subscribers.get(participantId)?.sink.close();
    this.subscribers.delete(participantId);
  }

  connectedCount(): number {
    return this.subscribers.size;
  }

  isConnected(participantId: string): boolean {
    return this.subscribers.has(participantId);
  }

  connectedIds(): string[] {
    return [...this.subscribers.keys()];
  }

  connected(federationId: string): string[] {
    return [...this.subscribers.entries()].filter(([, s]) => s.federationId === federationId).map(([id]) => id);
  }

  /** True when the task was handed to a live stream. */
  push(participantId: string, task: Task): boolean {
    const s = this.subscribers.get(participantId);
    if (!s) return false;
    s.sink.send(task);
    return true;
  }

  /** Tells every connected member of the federation; returns how many heard it. */
  notify(federationId: string, notice: FederationNotice): number {
    const ids = this.connected(federationId);
    for (const id of ids) this.subscribers.get(id)?.sink.notify(notice);
    return ids.length;
  }

  closeAll(): void {
    for (const s of this.subscribers.values()) s.sink.close();
    this.subscribers.clear();
  }
}
