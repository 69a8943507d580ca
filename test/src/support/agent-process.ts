import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pinEachOther } from '@syndicate/examples';
import type { AgentTransport } from '@syndicate/participant';
import type { Harness } from './coordinator-harness';

const agentMain = require.resolve('@syndicate/participant/dist/cli/main.js');

/** The agent's TLS flags for a harness's transport. */
export function transportArgs(t: AgentTransport): string[] {
  return [
    ...(t.caFile ? ['--ca', t.caFile] : []),
    ...(t.certFile ? ['--cert', t.certFile] : []),
    ...(t.keyFile ? ['--key', t.keyFile] : []),
    ...(t.insecure ? ['--insecure'] : []),
  ];
}

export interface AgentProcess {
  proc: ChildProcess;
  stateDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** A real `syndicate-agent run` process, enrolled with a fresh invitation. */
export async function startAgentProcess(
  h: Pick<Harness, 'admin' | 'grpcAddress' | 'transport'>,
  federationId: string,
  name: string,
  csv: string,
  dir: string,
  extra: Pick<AgentRun, 'env' | 'keepUpdates'> = {},
): Promise<AgentProcess> {
  const invitation = await h.admin.invite(federationId, name);
  return runAgentProcess({
    coordinator: h.grpcAddress,
    transport: h.transport,
    csv,
    dir,
    name,
    enroll: { federationId, token: invitation.token },
    ...extra,
  });
}

export interface AgentRun {
  coordinator: string;
  transport: AgentTransport;
  csv: string;
  dir: string;
  name: string;
  enroll?: { federationId: string; token: string };
  /** Added to the agent's environment (e.g. a test-only SYNDICATE_AGENT_FAULT_KILL_AT). */
  env?: Record<string, string>;
  /** Keep each local result sent under the state directory's `updates/` (--keep-updates). */
  keepUpdates?: boolean;
}

/** `syndicate-agent run` on `dir/agents/name`: enrolls first when given an invitation, else resumes the saved identity (a restarted bank). */
export function runAgentProcess(o: AgentRun): AgentProcess {
  const stateDir = path.join(o.dir, 'agents', o.name);
  const logFile = path.join(o.dir, `agent-${o.name}.log`);
  const log = fs.openSync(logFile, 'a');
  const enrollArgs = o.enroll ? ['--federation', o.enroll.federationId, '--token', o.enroll.token] : [];
  const proc = spawn(
    process.execPath,
    [
      agentMain,
      'run',
      '--coordinator',
      o.coordinator,
      ...enrollArgs,
      '--data',
      o.csv,
      '--state-dir',
      stateDir,
      ...transportArgs(o.transport),
      ...(o.keepUpdates ? ['--keep-updates', path.join(stateDir, 'updates')] : []),
    ],
    { stdio: ['ignore', log, log], env: { ...process.env, ...o.env } },
  );
  fs.closeSync(log);
  return {
    proc,
    stateDir,
    logFile,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls until `check` holds, or fails naming what was awaited. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * What the banks' operators do before the first round: once every agent has enrolled, each pins the
 * others by fingerprint, so the key ceremony seals to them. Call again when a bank joins later.
 */
export async function pinAgents(agents: Pick<AgentProcess, 'stateDir'>[]): Promise<Record<string, string>> {
  for (const a of agents)
    await waitFor(`${a.stateDir} enrolled`, async () => fs.existsSync(path.join(a.stateDir, 'identity.json')));
  return pinEachOther(agents.map((a) => ({ name: path.basename(a.stateDir), stateDir: a.stateDir })));
}
