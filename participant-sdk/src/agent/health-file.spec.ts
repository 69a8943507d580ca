import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkHealth, writeConnectionRecord } from './health-file';
import { initialConnection, nextConnection } from './connection-state';

describe('agent health file written by an older agent (last contact only)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-health-'));
  it('is unhealthy before the first contact, healthy after, and stale after 90 s', () => {
    expect(checkHealth(dir).ok).toBe(false);
    fs.writeFileSync(path.join(dir, 'agent-health.json'), JSON.stringify({ connectedAt: 1_000_000, pid: process.pid }));
    expect(checkHealth(dir, 1_000_000 + 5_000)).toEqual({ ok: true, message: 'connected to the coordinator 5 s ago' });
    expect(checkHealth(dir, 1_000_000 + 91_000).ok).toBe(false);
  });
});

describe('agent health from a connection record', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-health-record-'));
  const T0 = 2_000_000;

  it('reports a lost connection while the coordinator is down, and fails past the limit', () => {
    let record = initialConnection(T0);
    record = nextConnection(record, { type: 'heard', at: T0 }).record;
    record = nextConnection(record, { type: 'lost', at: T0 + 3_000, why: 'ECONNREFUSED', retryInMs: 500 }).record;
    writeConnectionRecord(dir, record);
    const down = checkHealth(dir, T0 + 30_000, 90_000, { checkProcess: true });
    expect(down.message).toMatch(/^NOT connected: lost 27 s ago/);
    expect(checkHealth(dir, T0 + 3_000 + 90_001).ok).toBe(false);
  });

  it('is unhealthy when the agent that wrote the record has exited', () => {
    writeConnectionRecord(dir, {
      ...nextConnection(initialConnection(T0), { type: 'heard', at: T0 }).record,
      pid: 2 ** 22 + 7,
    });
    expect(checkHealth(dir, T0 + 1_000, 90_000, { checkProcess: true })).toEqual({
      ok: false,
      message: expect.stringMatching(/is not running$/),
    });
  });
});
