import {
  connectionHealth,
  initialConnection,
  nextConnection,
  type ConnectionRecord,
  type LogLine,
} from './connection-state';

const T0 = 1_000_000;
const LIMITS = { maxDownMs: 90_000, maxSilenceMs: 90_000 };

function run(events: Parameters<typeof nextConnection>[1][]): { record: ConnectionRecord; lines: LogLine[] } {
  let record = initialConnection(T0);
  const lines: LogLine[] = [];
  for (const e of events) {
    const r = nextConnection(record, e);
    record = r.record;
    if (r.line) lines.push(r.line);
  }
  return { record, lines };
}

describe('connection state', () => {
  it('says connected once, not at every heartbeat', () => {
    const { record, lines } = run([
      { type: 'heard', at: T0 + 100 },
      { type: 'heard', at: T0 + 20_100 },
      { type: 'heard', at: T0 + 40_100 },
    ]);
    expect(lines.map((l) => [l.level, l.message])).toEqual([['info', 'connected to the coordinator']]);
    expect(record).toMatchObject({ status: 'connected', since: T0 + 100, lastHeardAt: T0 + 40_100 });
  });

  it('warns once when lost, keeps retries at debug, and says how long it was down when it comes back', () => {
    const { record, lines } = run([
      { type: 'heard', at: T0 },
      { type: 'lost', at: T0 + 10_000, why: 'stream ended', retryInMs: 500 },
      { type: 'lost', at: T0 + 11_000, why: 'ECONNREFUSED', retryInMs: 1_000 },
      { type: 'lost', at: T0 + 13_000, why: 'ECONNREFUSED', retryInMs: 2_000 },
      { type: 'heard', at: T0 + 37_000 },
    ]);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'connected to the coordinator'],
      ['warn', 'connection to the coordinator lost; reconnecting'],
      ['debug', 'still disconnected from the coordinator (1 s); retrying'],
      ['debug', 'still disconnected from the coordinator (3 s); retrying'],
      ['info', 'reconnected to the coordinator after 27 s'],
    ]);
    expect(lines[4].fields).toEqual({ downSeconds: 27, failedAttempts: 2 });
    expect(record).toMatchObject({ status: 'connected', reconnects: 1, failedAttempts: 0 });
  });

  it('repeats the warning about once a minute during a long outage', () => {
    const events: Parameters<typeof nextConnection>[1][] = [{ type: 'heard', at: T0 }];
    for (let t = 0; t <= 150_000; t += 5_000) events.push({ type: 'lost', at: T0 + t, why: 'down', retryInMs: 5_000 });
    const warnings = run(events)
      .lines.filter((l) => l.level === 'warn')
      .map((l) => l.message);
    expect(warnings).toEqual([
      'connection to the coordinator lost; reconnecting',
      'still disconnected from the coordinator (60 s); retrying',
      'still disconnected from the coordinator (120 s); retrying',
    ]);
  });

  it('health: honest while the coordinator is down, non-zero past the threshold', () => {
    const { record } = run([
      { type: 'heard', at: T0 },
      { type: 'heard', at: T0 + 20_000 },
      { type: 'lost', at: T0 + 25_000, why: 'ECONNREFUSED', retryInMs: 1_000 },
    ]);
    const shortly = connectionHealth(record, T0 + 52_000, LIMITS);
    expect(shortly.message).toBe(
      'NOT connected: lost 27 s ago, reconnecting (last error: ECONNREFUSED); unhealthy after 90 s',
    );
    expect(shortly.ok).toBe(true);
    expect(connectionHealth(record, T0 + 25_000 + 90_001, LIMITS).ok).toBe(false);
  });

  it('health: connected and hearing heartbeats is ok; a silent stream is not; never connected is not, past the limit', () => {
    const { record } = run([{ type: 'heard', at: T0 }]);
    expect(connectionHealth(record, T0 + 5_000, LIMITS)).toEqual({
      ok: true,
      message: 'connected to the coordinator for 5 s; last heard 5 s ago',
    });
    expect(connectionHealth(record, T0 + 95_000, LIMITS).ok).toBe(false);
    const never = initialConnection(T0);
    expect(connectionHealth(never, T0 + 10_000, LIMITS).ok).toBe(true);
    expect(connectionHealth(never, T0 + 100_000, LIMITS)).toMatchObject({ ok: false });
    expect(connectionHealth(never, T0 + 100_000, LIMITS).message).toMatch(/^NOT connected yet: trying for 100 s/);
  });
});
