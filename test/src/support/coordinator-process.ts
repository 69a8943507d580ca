import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { AdminClient, initDatabase } from '@syndicate/coordinator';
import type { AgentTransport } from '@syndicate/participant';
import { freshDatabaseUrl } from './database';
import { testPki } from './test-pki';

const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `syndicate serve` as its own OS process on fixed ports over one database, so a
 * test can SIGKILL it and start it again where agents expect it.
 */
export class CoordinatorProcess {
  private proc?: ChildProcess;
  private exit?: Promise<ProcessExit>;
  /** How each run ended, in order (the current one excluded). */
  readonly exits: ProcessExit[] = [];

  private constructor(
    readonly dir: string,
    readonly databaseUrl: string,
    readonly grpcPort: number,
    readonly httpPort: number,
    /** Replaced at every start: a restarted server must not be reached over the old one's pooled sockets. */
    public admin: AdminClient,
    readonly transport: AgentTransport,
    private readonly tls: { cert: string; key: string; ca: Buffer; token: string },
  ) {}

  /** A fresh database with an admin token, and two free ports; nothing started yet. */
  static async create(label: string): Promise<CoordinatorProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syndicate-${label}-`));
    const pki = await testPki();
    const databaseUrl = await freshDatabaseUrl(label);
    const { token } = await initDatabase(databaseUrl, { roles: ['admin', 'data-scientist', 'auditor'] });
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const tls = {
      cert: pki.coordinatorCert,
      key: pki.coordinatorKey,
      ca: fs.readFileSync(pki.caCert),
      token: token!.token,
    };
    const admin = new AdminClient(`https://localhost:${httpPort}`, { token: tls.token, ca: tls.ca });
    return new CoordinatorProcess(dir, databaseUrl, grpcPort, httpPort, admin, { caFile: pki.caCert }, tls);
  }

  get grpcAddress(): string {
    return `localhost:${this.grpcPort}`;
  }

  get logFile(): string {
    return path.join(this.dir, 'coordinator.log');
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts it and resolves once it serves gRPC. `env` adds to this process's environment (fault points are never inherited). */
  async start(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('coordinator process already running');
    const ready = path.join(this.dir, 'ready.json');
    fs.rmSync(ready, { force: true });
    const log = fs.openSync(this.logFile, 'a');
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!('SYNDICATE_FAULT_KILL_AT' in env)) delete childEnv.SYNDICATE_FAULT_KILL_AT;
    const proc = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--database',
        this.databaseUrl,
        '--grpc-port',
        String(this.grpcPort),
        '--http-port',
        String(this.httpPort),
        '--tick-ms',
        '100',
        '--log-level',
        'info',
        '--ready-file',
        ready,
        '--tls-cert',
        this.tls.cert,
        '--tls-key',
        this.tls.key,
      ],
      { stdio: ['ignore', log, log], env: childEnv },
    );
    fs.closeSync(log);
    this.proc = proc;
    void this.admin.close().catch(() => undefined); // already closed by close()
    this.admin = new AdminClient(`https://localhost:${this.httpPort}`, { token: this.tls.token, ca: this.tls.ca });
    this.exit = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exit.then((e) => this.exits.push(e));
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(ready)) {
      if (!this.running || Date.now() > deadline) throw new Error(`coordinator did not start:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves when the current run ends (at once if none is running). */
  exited(): Promise<ProcessExit | undefined> {
    return this.exit ?? Promise.resolve(undefined);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessExit | undefined> {
    if (this.running) this.proc!.kill(signal);
    return this.exited();
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  tail(lines = 30): string {
    return this.log().trimEnd().split('\n').slice(-lines).join('\n');
  }

  async close(): Promise<void> {
    await this.kill('SIGKILL');
    await this.admin.close().catch(() => undefined);
  }
}
