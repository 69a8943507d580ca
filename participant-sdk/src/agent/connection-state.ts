/**
 * The agent's connection to the coordinator as a pure state machine: what happened (a message
 * arrived, the stream was lost), what to log about it, and what `health` should report. No I/O:
 * the connect loop feeds events in, writes the record to the health file and logs the lines.
 */

export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

export interface ConnectionRecord {
  status: ConnectionStatus;
  /** When the current status began (ms since epoch). */
  since: number;
  /** Last message of any kind on the task stream (the coordinator sends a heartbeat every 20 s). */
  lastHeardAt: number | null;
  /** Times the stream came back after a loss, since the agent started. */
  reconnects: number;
  /** Failed attempts since the last loss began. */
  failedAttempts: number;
  lastError?: string;
  pid?: number;
}

export type ConnectionEvent =
  { type: 'heard'; at: number } | { type: 'lost'; at: number; why: string; retryInMs: number };

export interface LogLine {
  level: 'info' | 'warn' | 'debug';
  message: string;
  fields: Record<string, unknown>;
}

export function initialConnection(startedAt: number, pid?: number): ConnectionRecord {
  return { status: 'connecting', since: startedAt, lastHeardAt: null, reconnects: 0, failedAttempts: 0, pid };
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** Pure: the next record, and the line to log (only on a change an operator cares about; repeats go to debug). */
export function nextConnection(
  s: ConnectionRecord,
  e: ConnectionEvent,
): { record: ConnectionRecord; line: LogLine | null } {
  if (e.type === 'heard') {
    const record: ConnectionRecord = { ...s, lastHeardAt: e.at, failedAttempts: 0, lastError: undefined };
    if (s.status === 'connected') return { record, line: null };
    if (s.status === 'connecting')
      return {
        record: { ...record, status: 'connected', since: e.at },
        line: { level: 'info', message: 'connected to the coordinator', fields: {} },
      };
    const downSeconds = seconds(e.at - s.since);
    return {
      record: { ...record, status: 'connected', since: e.at, reconnects: s.reconnects + 1 },
      line: {
        level: 'info',
        message: `reconnected to the coordinator after ${downSeconds} s`,
        fields: { downSeconds, failedAttempts: s.failedAttempts },
      },
    };
  }
  const record: ConnectionRecord = {
    ...s,
    status: s.status === 'connected' ? 'lost' : s.status,
    since: s.status === 'connected' ? e.at : s.since,
    failedAttempts: s.status === 'connected' ? 0 : s.failedAttempts + 1,
    lastError: e.why,
  };
  if (s.status === 'connected')
    return {
      record,
      line: {
        level: 'warn',
        message: 'connection to the coordinator lost; reconnecting',
        fields: { why: e.why, retryInMs: e.retryInMs },
      },
    };
  // Still down: one warning a minute is enough for an operator, the rest at debug.
  const downMs = e.at - s.since;
  const everyMinute = Math.floor(downMs / 60_000) > Math.floor((downMs - e.retryInMs) / 60_000) && downMs >= 60_000;
  return {
    record,
    line: {
      level: everyMinute || (s.status === 'connecting' && s.failedAttempts === 0) ? 'warn' : 'debug',
      message:
        s.status === 'connecting'
          ? `cannot reach the coordinator yet (${seconds(downMs)} s); retrying`
          : `still disconnected from the coordinator (${seconds(downMs)} s); retrying`,
      fields: { why: e.why, retryInMs: e.retryInMs, failedAttempts: record.failedAttempts },
    },
  };
}

export interface HealthVerdict {
  ok: boolean;
  message: string;
}

/**
 * Pure: what `syndicate-agent health` says. Healthy while connected and hearing heartbeats; a short
 * outage is reported as such but tolerated (the agent reconnects by itself) until `maxDownMs`.
 */
export function connectionHealth(
  r: ConnectionRecord,
  now: number,
  o: { maxDownMs: number; maxSilenceMs: number },
): HealthVerdict {
  const down = seconds(now - r.since);
  const limit = `unhealthy after ${seconds(o.maxDownMs)} s`;
  if (r.status === 'connected') {
    const silent = r.lastHeardAt === null ? Infinity : now - r.lastHeardAt;
    return silent <= o.maxSilenceMs
      ? { ok: true, message: `connected to the coordinator for ${down} s; last heard ${seconds(silent)} s ago` }
      : {
          ok: false,
          message: `connected, but nothing heard from the coordinator for ${seconds(silent)} s (limit ${seconds(o.maxSilenceMs)} s): the stream looks stalled`,
        };
  }
  const why = r.lastError ? ` (last error: ${r.lastError})` : '';
  const ok = now - r.since <= o.maxDownMs;
  return {
    ok,
    message:
      r.status === 'lost'
        ? `NOT connected: lost ${down} s ago, reconnecting${why}; ${limit}`
        : `NOT connected yet: trying for ${down} s${why}; ${limit}`,
  };
}
