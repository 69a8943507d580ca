import * as fs from 'fs';

/**
 * TEST ONLY: drop injection for the masked-dropout suite (test/src/e2e/masked-dropout).
 * SYNDICATE_AGENT_FAULT_KILL_AT=<name> (or <name>#<k>, its k-th time) makes the agent
 * SIGKILL itself at that point, so a test can make a bank vanish at an exact step of the
 * masking protocol. The agent's twin of coordinator/src/common/fault-point.ts (its own
 * variable: a test that crashes the coordinator must not crash the agents it spawns).
 * Read once at start; unset, every call is a no-op.
 */
const target = parseTarget(process.env.SYNDICATE_AGENT_FAULT_KILL_AT);
const reached = new Map<string, number>();

function parseTarget(value: string | undefined): { name: string; k: number } | undefined {
  if (!value) return undefined;
  const m = /^(.+?)(?:#(\d+))?$/.exec(value);
  return m ? { name: m[1], k: m[2] ? Number(m[2]) : 1 } : undefined;
}

export function faultPoint(name: string): void {
  if (!target || target.name !== name) return;
  const n = (reached.get(name) ?? 0) + 1;
  reached.set(name, n);
  if (n !== target.k) return;
  // Said before dying, so the agent's log shows where it stopped.
  fs.writeSync(2, `fault point ${name}#${n}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
