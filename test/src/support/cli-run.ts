import { execFile, type ChildProcess } from 'child_process';

export const coordinatorCli = require.resolve('@syndicate/coordinator/dist/cli/main.js');
export const agentCli = require.resolve('@syndicate/participant/dist/cli/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI (the coordinator's by default) to completion, with `env` added to this process's. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  o: { main?: string; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child: ChildProcess = execFile(
      process.execPath,
      [o.main ?? coordinatorCli, ...args],
      { env: { ...process.env, ...env }, cwd: o.cwd },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

export const jsonOf = <T>(r: CliRun): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
