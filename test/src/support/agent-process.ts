import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { AgentTransport } from '@syndicate/participant';
import type { Harness } from './coordinator-harness';

const agentMain = require.resolve('@syndicate/participant/dist/cli/main.js');

/** The agent's TLS flags for a harness's transport. */
export function transportArgs(t: AgentTransport): string[] {
  return [...(t.caFile ? ['--ca', t.caFile] : []), ...(t.certFile ? ['--cert', t.certFile] : []), ...(t.keyFile ? ['--key', t.keyFile] : []), ...(t.insecure ? ['--insecure'] : [])];
}

/** A real `syndicate-agent run` process, enrolled with a fresh invitation. */
export async function startAgentProcess(h: Harness, federationId: string, name: string, csv: string, dir: string): Promise<{ proc: ChildProcess; stateDir: string; logFile: string; stop(): Promise<void> }> {
  const invitation = await h.admin.invite(federationId, name);
  const stateDir = path.join(dir, 'agents', name);
  const logFile = path.join(dir, `agent-${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const proc = spawn(
    process.execPath,
    [agentMain, 'run', '--coordinator', h.grpcAddress, '--federation', federationId, '--token', invitation.token, '--data', csv, '--state-dir', stateDir, ...transportArgs(h.transport)],
    { stdio: ['ignore', log, log] },
  );
  return {
    proc,
    stateDir,
    logFile,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls until `check` holds, or fails naming what was awaited. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
