import * as fs from 'fs';

/**
 * TEST ONLY: crash injection for the SIGKILL crash matrix (test/src/faults).
 * SYNDICATE_FAULT_KILL_AT=<name> (or <name>#<k>, its k-th time) makes the
 * process SIGKILL itself at that point, so a test can stop a coordinator at an
 * exact step of a round. Read once at start; unset, every call is a no-op.
 */
const target = parseTarget(process.env.SYNDICATE_FAULT_KILL_AT);
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
  // Said before dying, so the test's log shows where the crash was.
  fs.writeSync(2, `fault point ${name}#${n}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
