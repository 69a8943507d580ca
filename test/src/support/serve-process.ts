import { spawn, type ChildProcess } from 'child_process';
import { agentCli } from './cli-run';

export interface ServeProcess {
  url: string;
  grpcAddress?: string;
  child: ChildProcess;
}

/**
 * `syndicate-agent serve` in its own process (real signals; a load generator that does not share its event loop);
 * `cli` another build's agent to compare with.
 */
export function startServeProcess(args: string[], cli = agentCli): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /scoring at (https?:\/\/\S+)\/v1\/score(?: and gRPC (\S+))?/.exec(out);
      if (m) resolve({ url: m[1], grpcAddress: m[2], child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code}`)));
  });
}
