import * as fs from 'fs';
import * as path from 'path';

/**
 * Liveness for container and service managers, without opening a port on a bank
 * server: the agent touches this file whenever its task stream delivers anything
 * (the coordinator sends a heartbeat every 20 s), and `syndicate-agent health`
 * checks its age.
 */
const FILE = 'agent-health.json';
export const HEALTH_MAX_AGE_MS = 90_000;

export function writeHealth(stateDir: string, now = Date.now()): void {
  const file = path.join(stateDir, FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ connectedAt: now, pid: process.pid }));
  fs.renameSync(tmp, file);
}

export function checkHealth(
  stateDir: string,
  now = Date.now(),
  maxAgeMs = HEALTH_MAX_AGE_MS,
): { ok: boolean; message: string } {
  const file = path.join(stateDir, FILE);
  if (!fs.existsSync(file))
    return { ok: false, message: `no ${FILE} in ${stateDir}: the agent has not reached the coordinator yet` };
  try {
    const { connectedAt } = JSON.parse(fs.readFileSync(file, 'utf8')) as { connectedAt: number };
    const age = now - connectedAt;
    return age <= maxAgeMs
      ? { ok: true, message: `connected to the coordinator ${Math.round(age / 1000)} s ago` }
      : {
          ok: false,
          message: `last heard from the coordinator ${Math.round(age / 1000)} s ago (limit ${maxAgeMs / 1000} s)`,
        };
  } catch {
    return { ok: false, message: `${file} is unreadable` };
  }
}
