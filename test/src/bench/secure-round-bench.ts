import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdminClient, initDatabase } from '@syndicate/coordinator';
import { confirmModel, type AgentIdentity, type CoordinatorClient } from '@syndicate/participant';
import {
  applyDelta,
  decodeAggregate,
  encodeFloat32,
  encodeSampleCount,
  encodeWeightedDelta,
  initialWeights,
  parseTrainingPlan,
  planSecureSpec,
  seededRandom,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { enrolledClient } from '../support/light-agent';
import { TaskInbox } from '../support/task-inbox';
import { testPki, type TestPki } from '../support/test-pki';
import { signedBy } from '../support/signed-contribution';
import { dealFirstEpoch } from '../support/test-dealer';

export type RoundScheme = 'syndicate_bfv' | 'plaintext';

export interface RoundMeasurement {
  round_seconds: number;
  /** Updates in the published round. */
  contributors: number;
  coordinator_peak_rss_mib: number;
  /** RSS once every member is connected and idle, before the round: what holding the connections costs. */
  coordinator_connected_rss_mib: number;
  wire_bytes_per_param: number;
}

/** A ~`params`-parameter MLP: one-hot input of width V+1, one hidden layer of H units. */
export function benchPlan(scheme: RoundScheme, params: number, participants: number): TrainingPlanInput {
  const hidden = Math.max(1, Math.round(Math.sqrt(params)));
  const vocab = Math.max(1, Math.round((params - 1) / hidden) - 3);
  return {
    name: `bench-${scheme}-${participants}`,
    schema: {
      features: [
        { name: 'x', type: 'numeric' },
        { name: 'seg', type: 'categorical', vocabulary: Array.from({ length: vocab }, (_, i) => `v${i}`) },
      ],
      target: { name: 'y' },
    },
    model: { template: 'mlp', hiddenUnits: [hidden] },
    rounds: { minParticipants: participants, maxParticipants: Math.max(64, participants), deadlineSeconds: 3600 },
    aggregation:
      scheme === 'plaintext'
        ? { mode: 'plaintext' }
        : { mode: 'secure', secure: { clip: 1, releasePolicy: 'publish' } },
  };
}

export async function startCoordinatorProcess(
  dir: string,
): Promise<{ proc: ChildProcess; httpPort: number; grpcPort: number; token: string; pki: TestPki }> {
  const ready = path.join(dir, 'ready.json');
  const pki = await testPki();
  const { token } = await initDatabase(`sqlite:${path.join(dir, 'bench.sqlite')}`, { tokenName: 'bench' });
  const main = require.resolve('@syndicate/coordinator/dist/cli/main.js');
  const log = fs.openSync(path.join(dir, 'coordinator.log'), 'w');
  const proc = spawn(
    process.execPath,
    [
      main,
      'serve',
      '--database',
      `sqlite:${path.join(dir, 'bench.sqlite')}`,
      '--grpc-port',
      '0',
      '--http-port',
      '0',
      '--tick-ms',
      '100',
      '--log-level',
      'warn',
      '--ready-file',
      ready,
      '--tls-cert',
      pki.coordinatorCert,
      '--tls-key',
      pki.coordinatorKey,
    ],
    { stdio: ['ignore', log, log] },
  );
  const started = Date.now();
  while (!fs.existsSync(ready)) {
    if (proc.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`bench coordinator did not start; see ${path.join(dir, 'coordinator.log')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { grpcPort, httpPort } = JSON.parse(fs.readFileSync(ready, 'utf8')) as { grpcPort: number; httpPort: number };
  return { proc, grpcPort, httpPort, token: token!.token, pki };
}

/** Resident set of a process from /proc: now (VmRSS) or at its peak (VmHWM). */
export function rssMib(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * One real round against a coordinator process, with light members (no
 * training) over real gRPC. Members' payloads are prepared before the round
 * opens; for secure rounds one member's encryption time is added back, since
 * members encrypt in parallel on their own machines.
 */
export async function measureRound(
  scheme: RoundScheme,
  o: { params: number; participants: number; log?: (s: string) => void },
): Promise<RoundMeasurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syndicate-bench-${scheme}-`));
  const c = await startCoordinatorProcess(dir);
  const address = `localhost:${c.grpcPort}`;
  const admin = new AdminClient(`https://localhost:${c.httpPort}`, {
    token: c.token,
    ca: fs.readFileSync(c.pki.caCert),
  });
  const members: { identity: AgentIdentity; client: CoordinatorClient; inbox: TaskInbox }[] = [];
  try {
    const planInput = benchPlan(scheme, o.params, o.participants);
    const plan = parseTrainingPlan(planInput);
    const f = await admin.createFederation(planInput);
    for (let i = 0; i < o.participants; i++) {
      const { identity, client } = await enrolledClient(
        { admin, grpcAddress: address, transport: { caFile: c.pki.caCert } },
        f.id,
        `bank-${i}`,
      );
      members.push({ identity, client, inbox: new TaskInbox(client) });
    }
    await new Promise((r) => setTimeout(r, 300));
    const connectedRss = rssMib(c.proc.pid!, 'VmRSS');
    const global = initialWeights(plan);
    const rand = seededRandom(1);
    const local = Float32Array.from(global, (w) => w + (rand() - 0.5) * 0.02);
    let wireBytes = 0;
    let extraSeconds = 0;
    const t0 = process.hrtime.bigint();
    const mark = (what: string) =>
      process.env.SYNDICATE_BENCH_TRACE &&
      o.log?.(`    ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3)} s ${what}`);
    const round = await admin.openRound(f.id);
    mark('round open');
    if (scheme === 'plaintext') {
      const payload = encodeFloat32(local);
      wireBytes = payload.length;
      const tasks = await Promise.all(members.map((m) => m.inbox.next('TASK_TYPE_TRAIN', 600_000)));
      await Promise.all(
        members.map((m, i) =>
          m.client.uploadUpdate({
            roundId: tasks[i].roundId,
            baseModelVersionId: tasks[i].modelVersionId,
            encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
            numParams: local.length,
            numSamples: 1000 + i,
            payload,
          }),
        ),
      );
    } else {
      const spec = planSecureSpec(plan);
      const { key, holder } = await dealFirstEpoch(members, plan.aggregation.secure.parameterSet, 600_000);
      mark('keys dealt');
      try {
        const counts = await Promise.all(members.map((m) => m.inbox.next('TASK_TYPE_COUNT', 600_000)));
        await Promise.all(
          members.map((m, i) => {
            const payload = holder.encrypt(encodeSampleCount(1000, spec));
            return m.client.uploadUpdate({
              roundId: counts[i].roundId,
              baseModelVersionId: counts[i].modelVersionId,
              encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
              numParams: 0,
              numSamples: 0,
              payload,
              kind: 'count',
              keyEpoch: 1,
              statement: signedBy(m.identity, key, holder, { roundId: counts[i].roundId, kind: 'count', payload }),
            });
          }),
        );
        mark('counts sent');
        const tasks = await Promise.all(members.map((m) => m.inbox.next('TASK_TYPE_TRAIN', 600_000)));
        mark('train tasks received');
        // Encryption happens on each bank's own machine, in parallel: time one and count it once.
        const e0 = process.hrtime.bigint();
        const delta = Float64Array.from(local, (w, i) => w - global[i]);
        const payload = holder.encrypt(encodeWeightedDelta(delta, 1 / members.length, spec, seededRandom(2)).fields);
        // So is signing (the digest and the statement): the first member's is timed, the others' are not.
        const sign = (i: number) =>
          signedBy(members[i].identity, key, holder, { roundId: tasks[i].roundId, kind: 'model', payload });
        const first = sign(0);
        extraSeconds += Number(process.hrtime.bigint() - e0) / 1e9;
        const statements = [first, ...members.slice(1).map((_, i) => sign(i + 1))];
        wireBytes = payload.length;
        await Promise.all(
          members.map((m, i) =>
            m.client.uploadUpdate({
              roundId: tasks[i].roundId,
              baseModelVersionId: tasks[i].modelVersionId,
              encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
              numParams: local.length,
              numSamples: 0,
              payload,
              kind: 'model',
              keyEpoch: 1,
              statement: statements[i],
            }),
          ),
        );
        mark('updates accepted');
        const apply = await Promise.any(
          members.map((m) => m.inbox.next('TASK_TYPE_APPLY', 600_000).then((t) => ({ t, m }))),
        );
        const publisher = apply.t.publisher
          ? apply.m
          : members.find((m) => m.identity.participantId !== apply.m.identity.participantId)!;
        mark('apply task received');
        const sum = await publisher.client.downloadAggregate(round.id, 'model');
        mark('aggregate downloaded');
        const agg = decodeAggregate(holder.decrypt(sum.data), local.length, sum.contributors, spec);
        const next = applyDelta(global, agg.delta);
        mark('aggregate decrypted and applied');
        await publisher.client.publishModel({
          roundId: round.id,
          baseModelVersionId: apply.t.modelVersionId,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: next.length,
          payload: encodeFloat32(next),
          keyEpoch: 1,
        });
        // Recorded once another member confirms the same hash (each member computes the same model).
        for (const m of [publisher, members.find((x) => x !== publisher)!])
          await confirmModel(m.identity, {
            roundId: round.id,
            keyEpoch: 1,
            baseModelVersionId: apply.t.modelVersionId,
            payload: next,
          });
        mark('model confirmed');
      } finally {
        holder.dispose();
      }
    }
    let contributors = 0;
    for (;;) {
      const r = await admin.round(round.id);
      contributors = r.contributors.length;
      if (r.state === 'published') break;
      if (r.state === 'failed') throw new Error(`bench round failed: ${r.failureReason}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9 + extraSeconds;
    const rss = rssMib(c.proc.pid!, 'VmHWM');
    o.log?.(
      `  ${scheme}: ${o.participants} members, round ${seconds.toFixed(2)} s, coordinator peak RSS ${rss.toFixed(0)} MiB (${connectedRss.toFixed(0)} MiB connected, idle)`,
    );
    return {
      round_seconds: seconds,
      contributors,
      coordinator_peak_rss_mib: rss,
      coordinator_connected_rss_mib: connectedRss,
      wire_bytes_per_param: wireBytes / local.length,
    };
  } finally {
    for (const m of members) {
      m.inbox.close();
      m.client.close();
    }
    c.proc.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
