import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTrainingPlanJson } from '@syndicate/protocol';
import type { RoundView } from '../rounds/rounds.service';
import { AdminClient } from '../client/admin-client';
import { initDatabase } from '../init/init-database';
import { makeDevPki, writeDevPki } from '../certs/dev-ca';
import { ProcessSupervisor, type Supervised } from './process-supervisor';

export interface BankData {
  name: string;
  csv: string;
}

export interface SimulationOptions {
  planPath: string;
  banks: BankData[];
  rounds: number;
  outFile: string;
  /** Where logs, agent state and the database go; a fresh temp dir by default. */
  workDir?: string;
  databaseUrl?: string;
  deadlineSeconds?: number;
  /** Keep each agent's plaintext local result (for audit and tests). */
  keepUpdates?: boolean;
  agentBin?: string;
}

export interface BankMetrics {
  numExamples: number;
  loss: number;
  accuracy: number;
  auc: number;
}

export interface RoundResult {
  number: number;
  state: string;
  failureReason: string | null;
  contributors: string[];
  seconds: number;
  modelVersionId: string | null;
  banks: Record<string, BankMetrics>;
  /** Holdout-size-weighted means over the banks that reported. */
  global: { loss: number; accuracy: number; mean_auc: number } | null;
}

export interface SimulationResult {
  federation: { id: string; name: string; planSha256: string; numParams: number };
  workDir: string;
  rounds: RoundResult[];
  /** weightsPath is null when the model is sealed for members only. */
  final: { modelVersionId: string; roundNumber: number; weightsPath: string | null; weightsFormat: 'float32-le' | 'sealed'; numParams: number } | null;
}

export type SimulationEvent =
  | { type: 'coordinator-ready'; grpcPort: number; httpPort: number; workDir: string; baseUrl: string; caCert: string }
  | { type: 'agents-connected'; banks: string[] }
  | { type: 'round-opened'; round: number; of: number }
  | { type: 'update-received'; round: number; bank: string; received: number; expected: number }
  | { type: 'round-finished'; result: RoundResult };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Path of an installed program's entry point, without importing it. */
function resolveBin(pkgMain: string): string {
  return require.resolve(pkgMain);
}

function globalMetrics(banks: Record<string, BankMetrics>): RoundResult['global'] {
  const all = Object.values(banks);
  const n = all.reduce((s, b) => s + b.numExamples, 0);
  if (!n) return null;
  const mean = (k: keyof BankMetrics) => all.reduce((s, b) => s + b[k] * b.numExamples, 0) / n;
  return { loss: mean('loss'), accuracy: mean('accuracy'), mean_auc: mean('auc') };
}

/**
 * A whole consortium on one machine: a coordinator process and one agent process per
 * bank, over real gRPC on loopback, driven through the admin REST API.
 */
export async function runSimulation(opts: SimulationOptions, onEvent: (e: SimulationEvent) => void = () => undefined): Promise<SimulationResult> {
  const plan = parseTrainingPlanJson(fs.readFileSync(opts.planPath, 'utf8'));
  if (opts.banks.length === 0) throw new Error('no banks given: pass --data NAME=FILE.csv at least once');
  const names = new Set<string>();
  for (const b of opts.banks) {
    if (names.has(b.name)) throw new Error(`bank name "${b.name}" is given twice`);
    names.add(b.name);
    if (!fs.existsSync(b.csv)) throw new Error(`data file for bank "${b.name}" not found: ${b.csv}`);
  }
  if (plan.rounds.minParticipants > opts.banks.length) {
    throw new Error(`the plan needs at least ${plan.rounds.minParticipants} participants per round but only ${opts.banks.length} banks were given`);
  }
  const workDir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-sim-'));
  fs.mkdirSync(workDir, { recursive: true });
  // A simulation is one consortium from scratch: a previous run's database and agent enrollments would clash.
  if (!opts.databaseUrl) for (const f of ['coordinator.sqlite', 'coordinator.sqlite-wal', 'coordinator.sqlite-shm']) fs.rmSync(path.join(workDir, f), { force: true });
  fs.rmSync(path.join(workDir, 'agents'), { recursive: true, force: true });
  const supervisor = new ProcessSupervisor();
  let crashed: Error | undefined;
  supervisor.onUnexpectedExit = (p: Supervised, code) => {
    crashed = new Error(`${p.name} exited unexpectedly (code ${code}); last log lines from ${p.logFile}:\n${supervisor.tail(p)}`);
  };
  const check = () => {
    if (crashed) throw crashed;
  };
  try {
    const readyFile = path.join(workDir, 'coordinator.ready.json');
    fs.rmSync(readyFile, { force: true });
    const coordinatorMain = path.resolve(__dirname, '..', 'cli', 'main.js');
    const databaseUrl = opts.databaseUrl ?? `sqlite:${path.join(workDir, 'coordinator.sqlite')}`;
    // What an operator does first: migrate the database and take an API token, here one that may also read models.
    const { token } = await initDatabase(databaseUrl, { tokenName: 'simulate', roles: ['admin', 'data-scientist'], forceNewToken: true });
    // TLS everywhere, mutual for the agents, from a CA made for this run: what a consortium deploys, minus its own CA.
    const certs = writeDevPki(path.join(workDir, 'certs'), await makeDevPki({ hosts: ['localhost', '127.0.0.1'], agents: opts.banks.map((b) => b.name), days: 7 }));
    supervisor.start(
      'coordinator',
      process.execPath,
      [
        coordinatorMain,
        'serve',
        '--database',
        databaseUrl,
        '--grpc-port',
        '0',
        '--http-port',
        '0',
        '--tick-ms',
        '200',
        '--ready-file',
        readyFile,
        '--tls-cert',
        certs.coordinatorCert,
        '--tls-key',
        certs.coordinatorKey,
        '--tls-client-ca',
        certs.caCert,
      ],
      path.join(workDir, 'coordinator.log'),
    );
    const started = Date.now();
    while (!fs.existsSync(readyFile)) {
      check();
      if (Date.now() - started > 60_000) throw new Error(`coordinator did not start within 60 s; see ${path.join(workDir, 'coordinator.log')}`);
      await sleep(100);
    }
    const { grpcPort, httpPort } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { grpcPort: number; httpPort: number };
    // Host names, not IPs: the certificate names localhost, and TLS SNI takes no IP addresses.
    const baseUrl = `https://localhost:${httpPort}`;
    onEvent({ type: 'coordinator-ready', grpcPort, httpPort, workDir, baseUrl, caCert: certs.caCert });
    const admin = new AdminClient(baseUrl, { token: token!.token, ca: fs.readFileSync(certs.caCert) });
    const federation = await admin.createFederation(plan);

    const agentBin = opts.agentBin ?? process.env.SYNDICATE_AGENT_BIN ?? resolveBin('@syndicate/participant/dist/cli/main.js');
    for (const bank of opts.banks) {
      const invitation = await admin.invite(federation.id, bank.name);
      const stateDir = path.join(workDir, 'agents', bank.name);
      fs.mkdirSync(stateDir, { recursive: true });
      const args = [
        agentBin,
        'run',
        '--coordinator',
        `localhost:${grpcPort}`,
        '--federation',
        federation.id,
        '--token',
        invitation.token,
        '--data',
        path.resolve(bank.csv),
        '--state-dir',
        stateDir,
        '--ca',
        certs.caCert,
        '--cert',
        certs.agents[bank.name].cert,
        '--key',
        certs.agents[bank.name].key,
      ];
      if (opts.keepUpdates) args.push('--keep-updates', path.join(stateDir, 'updates'));
      supervisor.start(`agent ${bank.name}`, process.execPath, args, path.join(workDir, `agent-${bank.name}.log`));
    }
    const connectDeadline = Date.now() + 120_000;
    for (;;) {
      check();
      const ps = await admin.participants(federation.id);
      if (ps.length === opts.banks.length && ps.every((p) => p.connected)) break;
      if (Date.now() > connectDeadline) throw new Error(`agents did not all connect within 120 s (${ps.filter((p) => p.connected).length}/${opts.banks.length}); see logs in ${workDir}`);
      await sleep(150);
    }
    onEvent({ type: 'agents-connected', banks: opts.banks.map((b) => b.name) });

    const rounds: RoundResult[] = [];
    for (let i = 1; i <= opts.rounds; i++) {
      const t0 = Date.now();
      let round: RoundView = await admin.openRound(federation.id, { deadlineSeconds: opts.deadlineSeconds });
      onEvent({ type: 'round-opened', round: round.number, of: opts.rounds });
      let seen = 0;
      while (round.state !== 'published' && round.state !== 'failed') {
        check();
        await sleep(150);
        round = await admin.round(round.id);
        for (const c of round.contributors.slice(seen)) {
          onEvent({ type: 'update-received', round: round.number, bank: c.displayName, received: ++seen, expected: opts.banks.length });
        }
      }
      const seconds = (Date.now() - t0) / 1000;
      if (round.state === 'published') {
        const evalDeadline = Date.now() + 120_000;
        while (round.evaluations.length < opts.banks.length && Date.now() < evalDeadline) {
          check();
          await sleep(150);
          round = await admin.round(round.id);
        }
      }
      const banks: Record<string, BankMetrics> = {};
      for (const e of round.evaluations) banks[e.displayName] = { numExamples: e.numExamples, loss: e.loss, accuracy: e.accuracy, auc: e.auc };
      const result: RoundResult = {
        number: round.number,
        state: round.state,
        failureReason: round.failureReason,
        contributors: round.contributors.map((c) => c.displayName),
        seconds,
        modelVersionId: round.resultModelVersionId,
        banks,
        global: globalMetrics(banks),
      };
      rounds.push(result);
      onEvent({ type: 'round-finished', result });
    }

    const models = await admin.models(federation.id);
    const latest = models[models.length - 1];
    let final: SimulationResult['final'] = null;
    if (latest && latest.roundNumber > 0 && latest.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      final = { modelVersionId: latest.id, roundNumber: latest.roundNumber, weightsPath: null, weightsFormat: 'sealed', numParams: latest.numParams };
    } else if (latest && latest.roundNumber > 0) {
      const weightsPath = path.resolve(path.dirname(opts.outFile), `${path.basename(opts.outFile, '.json')}.weights.f32`);
      fs.writeFileSync(weightsPath, await admin.weights(latest.id));
      final = { modelVersionId: latest.id, roundNumber: latest.roundNumber, weightsPath, weightsFormat: 'float32-le', numParams: latest.numParams };
    }
    const result: SimulationResult = {
      federation: { id: federation.id, name: federation.name, planSha256: federation.planSha256, numParams: federation.numParams },
      workDir,
      rounds,
      final,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.outFile)), { recursive: true });
    fs.writeFileSync(opts.outFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await supervisor.stopAll();
  }
}
