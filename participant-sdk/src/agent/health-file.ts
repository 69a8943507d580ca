import * as fs from 'fs';
import * as path from 'path';
import { connectionHealth, type ConnectionRecord, type HealthVerdict } from './connection-state';

/**
 * Liveness for container and service managers, without opening a port on a bank server: the
 * agent writes its connection record (see connection-state.ts) to this file at every change and
 * heartbeat, and `syndicate-agent health` reads it. Older agents wrote only `connectedAt`.
 */
const FILE = 'agent-health.json';
export const HEALTH_MAX_AGE_MS = 90_000;

function writeAtomically(stateDir: string, body: unknown): void {
  const file = path.join(stateDir, FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(body));
  fs.renameSync(tmp, file);
}

export function writeConnectionRecord(stateDir: string, record: ConnectionRecord): void {
  writeAtomically(stateDir, { ...record, pid: record.pid ?? process.pid });
}

function processGone(pid: unknown): boolean {
  if (typeof pid !== 'number') return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function checkHealth(
  stateDir: string,
  now = Date.now(),
  maxAgeMs = HEALTH_MAX_AGE_MS,
  o: { checkProcess?: boolean } = {},
): HealthVerdict {
  const file = path.join(stateDir, FILE);
  if (!fs.existsSync(file))
    return { ok: false, message: `no ${FILE} in ${stateDir}: the agent has not reached the coordinator yet` };
  let body: Partial<ConnectionRecord> & { connectedAt?: number };
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof body;
  } catch {
    return { ok: false, message: `${file} is unreadable` };
  }
  // A record left by an agent that has exited says nothing about now.
  if (o.checkProcess && processGone(body.pid))
    return { ok: false, message: `the agent (pid ${body.pid}) that wrote ${file} is not running` };
  if (body.status)
    return connectionHealth(body as ConnectionRecord, now, { maxDownMs: maxAgeMs, maxSilenceMs: maxAgeMs });
  const age = now - (body.connectedAt ?? 0);
  return age <= maxAgeMs
    ? { ok: true, message: `connected to the coordinator ${Math.round(age / 1000)} s ago` }
    : {
        ok: false,
        message: `last heard from the coordinator ${Math.round(age / 1000)} s ago (limit ${maxAgeMs / 1000} s)`,
      };
}
