import * as fs from 'fs';

/**
 * TEST ONLY: SIGKILL injection at named steps, shared by the coordinator (crash matrix) and the agent
 * (dropouts). The environment variable holds `<name>` or `<name>#<k>` (its k-th time); the process
 * kills itself there, so a test can stop it at an exact step of a round. Each side reads its own
 * variable, so a test that crashes the coordinator does not crash the agents it starts.
 * Read once; unset, the returned function is a no-op.
 */
export function faultPoints(variable: string, env: NodeJS.ProcessEnv = process.env): (name: string) => void {
  const target = parseTarget(env[variable]);
  const reached = new Map<string, number>();
  return (name) => {
    if (!target || target.name !== name) return;
    const n = (reached.get(name) ?? 0) + 1;
    reached.set(name, n);
    if (n !== target.k) return;
    // Said before dying, so the log shows where it stopped.
    fs.writeSync(2, `fault point ${name}#${n}: SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}

function parseTarget(value: string | undefined): { name: string; k: number } | undefined {
  if (!value) return undefined;
  const m = /^(.+?)(?:#(\d+))?$/.exec(value);
  return m ? { name: m[1], k: m[2] ? Number(m[2]) : 1 } : undefined;
}
