import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';

export interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/** Starts real child processes, keeps their logs, and never leaves one behind. */
export class ProcessSupervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;
  onUnexpectedExit?: (p: Supervised, code: number | null) => void;

  start(
    name: string,
    command: string,
    args: string[],
    logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ): Supervised {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const entry: Supervised = { name, child, logFile, exited };
    void exited.then((code) => {
      if (!this.stopping) this.onUnexpectedExit?.(entry, code);
    });
    this.children.push(entry);
    return entry;
  }

  /** A one-off job (not a service): resolves when it exits 0, rejects with its last log lines otherwise. */
  async runToCompletion(name: string, command: string, args: string[], logFile: string): Promise<void> {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const entry: Supervised = {
      name,
      child,
      logFile,
      exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    };
    this.children.push(entry);
    const code = await entry.exited;
    if (code !== 0)
      throw new Error(`${name} failed (exit ${code}); last log lines from ${logFile}:\n${this.tail(entry)}`);
  }

  tail(p: Supervised, lines = 15): string {
    try {
      return fs.readFileSync(p.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
        await p.exited;
        clearTimeout(timer);
      }),
    );
  }
}
