import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdminClient } from '@syndicate/coordinator';
import { confirmModel, type AgentIdentity, type CoordinatorClient } from '@syndicate/participant';
import {
  HeKeyHolder,
  applyDelta,
  decodeAggregate,
  encodeFloat32,
  encodeSampleCount,
  encodeWeightedDelta,
  initialWeights,
  parseTrainingPlan,
  planSecureSpec,
  seededRandom,
  type FederationKey,
  type Task__Output,
} from '@syndicate/protocol';
import { enrolledClient } from '../support/light-agent';
import { TaskInbox } from '../support/task-inbox';
import { TcpProxy } from '../support/tcp-proxy';
import { signedBy } from '../support/signed-contribution';
import { dealFirstEpoch } from '../support/test-dealer';
import { benchPlan, rssMib, startCoordinatorProcess, type RoundScheme } from './secure-round-bench';

/** One round of one scheme, as measured. */
export interface SteadyRound {
  scheme: RoundScheme;
  round: number;
  /** Open to published, plus one member's encryption (members encrypt in parallel on their own machines). */
  seconds: number;
  /** Coordinator CPU (user + system) from the first update upload to the last acceptance, per update. */
  coordinatorCpuMsPerUpdate: number;
  /** Bytes on each member's TLS socket this round (both directions), the publisher apart. */
  memberBytes: { up: number; down: number }[];
  publisherIndex: number;
  /** Secure round 1 only: the key ceremony, timed on its own and not counted in `seconds`. */
  ceremonySeconds?: number;
  /** Secure: quantize + pack + encrypt of one update on one core (the delta itself is computed before). */
  encryptSeconds?: number;
  /** Coordinator VmRSS after the round. */
  rssMib: number;
}

interface Member {
  identity: AgentIdentity;
  client: CoordinatorClient;
  inbox: TaskInbox;
  proxy: TcpProxy;
}

const cpuMs = (pid: number): number => {
  // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Rounds of plaintext and secure aggregation, alternating, against ONE long-running
 * coordinator process (one federation per scheme): the first secure round carries the
 * key ceremony and SEAL's cold start, later rounds are steady. Each member talks to
 * the coordinator through its own TCP relay, which counts the bytes of its TLS socket.
 */
export async function steadyRounds(o: {
  params: number;
  members: number;
  rounds: number;
  schemes: RoundScheme[];
  log: (s: string) => void;
}): Promise<SteadyRound[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-bench-steady-'));
  const c = await startCoordinatorProcess(dir);
  const pid = c.proc.pid!;
  const admin = new AdminClient(`https://localhost:${c.httpPort}`, {
    token: c.token,
    ca: fs.readFileSync(c.pki.caCert),
  });
  const all: Member[] = [];
  const out: SteadyRound[] = [];
  try {
    const feds = new Map<RoundScheme, { id: string; members: Member[]; sealing?: Sealing }>();
    for (const scheme of o.schemes) {
      const planInput = benchPlan(scheme, o.params, o.members);
      const f = await admin.createFederation(planInput);
      const members: Member[] = [];
      for (let i = 0; i < o.members; i++) {
        const proxy = await TcpProxy.start(c.grpcPort);
        const { identity, client } = await enrolledClient(
          { admin, grpcAddress: `localhost:${proxy.port}`, transport: { caFile: c.pki.caCert } },
          f.id,
          `bank-${i}`,
        );
        members.push({ identity, client, inbox: new TaskInbox(client), proxy });
      }
      all.push(...members);
      feds.set(scheme, { id: f.id, members });
    }
    const plan = parseTrainingPlan(benchPlan('syndicate_bfv', o.params, o.members));
    const global = initialWeights(plan);
    const rand = seededRandom(1);
    const local = Float32Array.from(global, (w) => w + (rand() - 0.5) * 0.02);
    for (let r = 1; r <= o.rounds; r++) {
      for (const scheme of o.schemes) {
        const fed = feds.get(scheme)!;
        for (const m of fed.members) m.proxy.upstreamBytes = m.proxy.downstreamBytes = 0;
        const measured =
          scheme === 'plaintext'
            ? await plaintextRound(admin, fed, local, pid)
            : await secureRound(admin, fed, local, global, pid, plan);
        out.push({
          scheme,
          round: r,
          ...measured,
          memberBytes: fed.members.map((m) => ({ up: m.proxy.upstreamBytes, down: m.proxy.downstreamBytes })),
          rssMib: rssMib(pid, 'VmRSS'),
        });
        const last = out[out.length - 1];
        o.log(
          `  ${scheme} round ${r}: ${last.seconds.toFixed(2)} s, coordinator ${last.coordinatorCpuMsPerUpdate.toFixed(0)} ms CPU/update, RSS ${last.rssMib.toFixed(0)} MiB${last.ceremonySeconds ? ` (ceremony ${last.ceremonySeconds.toFixed(2)} s apart)` : ''}`,
        );
      }
    }
    return out;
  } finally {
    for (const m of all) {
      m.inbox.close();
      m.client.close();
      await m.proxy.close();
    }
    c.proc.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type Measured = Omit<SteadyRound, 'scheme' | 'round' | 'memberBytes' | 'rssMib'>;
interface Sealing {
  key: FederationKey;
  holder: HeKeyHolder;
}

/** Members download the global model (as agents do before training) and upload float32 updates. */
async function plaintextRound(
  admin: AdminClient,
  fed: { id: string; members: Member[] },
  local: Float32Array,
  pid: number,
): Promise<Measured> {
  const payload = encodeFloat32(local);
  const t0 = now();
  const round = await admin.openRound(fed.id);
  const tasks = await Promise.all(fed.members.map((m) => taskOf(m, 'TASK_TYPE_TRAIN', round.id)));
  await Promise.all(fed.members.map((m, i) => m.client.downloadModel(tasks[i].modelVersionId)));
  const cpu0 = cpuMs(pid);
  await Promise.all(
    fed.members.map((m, i) =>
      retried(() =>
        m.client.uploadUpdate({
          roundId: tasks[i].roundId,
          baseModelVersionId: tasks[i].modelVersionId,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: local.length,
          numSamples: 1000 + i,
          payload,
        }),
      ),
    ),
  );
  const cpu = (cpuMs(pid) - cpu0) / fed.members.length;
  await published(admin, round.id);
  return { seconds: now() - t0, coordinatorCpuMsPerUpdate: cpu, publisherIndex: -1 };
}

/**
 * What light members do in a secure round today: the key ceremony once, then every
 * round a signed count, the count sum downloaded by every member, a signed update,
 * the model sum downloaded by every member, and the publisher's model.
 */
async function secureRound(
  admin: AdminClient,
  fed: { id: string; members: Member[]; sealing?: Sealing },
  local: Float32Array,
  global: Float32Array,
  pid: number,
  plan: ReturnType<typeof parseTrainingPlan>,
): Promise<Measured> {
  const spec = planSecureSpec(plan);
  const members = fed.members;
  const t0 = now();
  const round = await admin.openRound(fed.id);
  let ceremonySeconds: number | undefined;
  if (!fed.sealing) {
    const c0 = now();
    fed.sealing = await dealFirstEpoch(members, plan.aggregation.secure.parameterSet, 600_000);
    ceremonySeconds = now() - c0;
  }
  const { key, holder } = fed.sealing;
  const counts = await Promise.all(members.map((m) => taskOf(m, 'TASK_TYPE_COUNT', round.id)));
  await Promise.all(
    members.map((m, i) => {
      const payload = holder.encrypt(encodeSampleCount(1000, spec));
      return retried(() =>
        m.client.uploadUpdate({
          roundId: counts[i].roundId,
          baseModelVersionId: counts[i].modelVersionId,
          encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
          numParams: 0,
          numSamples: 0,
          payload,
          kind: 'count',
          keyEpoch: key.keyEpoch,
          statement: signedBy(m.identity, key, holder, { roundId: counts[i].roundId, kind: 'count', payload }),
        }),
      );
    }),
  );
  const tasks = await Promise.all(members.map((m) => taskOf(m, 'TASK_TYPE_TRAIN', round.id)));
  await Promise.all(members.map((m) => m.client.downloadAggregate(round.id, 'count')));
  // The delta is the member's training result, not encryption: computed before the clock starts.
  const delta = Float64Array.from(local, (w, i) => w - global[i]);
  const e0 = now();
  const payload = holder.encrypt(encodeWeightedDelta(delta, 1 / members.length, spec, seededRandom(2)).fields);
  const encryptSeconds = now() - e0;
  // Signing (statement and linear digest) is each member's own work in parallel: the first one's is timed.
  const s0 = now();
  const statements = members.map((m, i) =>
    signedBy(m.identity, key, holder, { roundId: tasks[i].roundId, kind: 'model', payload }),
  );
  const signSeconds = (now() - s0) / members.length;
  const cpu0 = cpuMs(pid);
  await Promise.all(
    members.map((m, i) =>
      retried(() =>
        m.client.uploadUpdate({
          roundId: tasks[i].roundId,
          baseModelVersionId: tasks[i].modelVersionId,
          encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
          numParams: local.length,
          numSamples: 0,
          payload,
          kind: 'model',
          keyEpoch: key.keyEpoch,
          statement: statements[i],
        }),
      ),
    ),
  );
  const cpu = (cpuMs(pid) - cpu0) / members.length;
  const applies = await Promise.all(members.map((m) => taskOf(m, 'TASK_TYPE_APPLY', round.id)));
  const sums = await Promise.all(members.map((m) => m.client.downloadAggregate(round.id, 'model')));
  const publisherIndex = Math.max(
    0,
    applies.findIndex((t) => t.publisher),
  );
  const sum = sums[publisherIndex];
  const agg = decodeAggregate(holder.decrypt(sum.data), local.length, sum.contributors, spec);
  const next = applyDelta(global, agg.delta);
  await members[publisherIndex].client.publishModel({
    roundId: round.id,
    baseModelVersionId: applies[publisherIndex].modelVersionId,
    encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
    numParams: next.length,
    payload: encodeFloat32(next),
    keyEpoch: key.keyEpoch,
  });
  // Secure publication is recorded once another member confirms the same model (issue 14): the publisher and one more.
  for (const i of [publisherIndex, (publisherIndex + 1) % members.length])
    await confirmModel(members[i].identity, {
      roundId: round.id,
      keyEpoch: key.keyEpoch,
      baseModelVersionId: applies[publisherIndex].modelVersionId,
      payload: next,
    });
  await published(admin, round.id);
  // The bench encrypted once (as one member does) but signed for everyone: members sign in parallel, one share counts.
  return {
    seconds: now() - t0 - (ceremonySeconds ?? 0) - signSeconds * (members.length - 1),
    coordinatorCpuMsPerUpdate: cpu,
    publisherIndex,
    ceremonySeconds,
    encryptSeconds,
  };
}

/**
 * An upload the server refused at the HTTP/2 level (UNAVAILABLE, "stream refused" when a session
 * holds too much) is sent again, as the agent's backoff does: nothing of it was accepted.
 */
async function retried<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if ((err as { code?: number }).code !== 14 || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** The round's task of a type: tasks re-offered for earlier rounds (every 3 s until settled) are skipped. */
async function taskOf(m: Member, type: Task__Output['type'], roundId: string): Promise<Task__Output> {
  for (;;) {
    const t = await m.inbox.next(type, 600_000);
    if (t.roundId === roundId) return t;
  }
}

async function published(admin: AdminClient, roundId: string): Promise<void> {
  for (;;) {
    const r = await admin.round(roundId);
    if (r.state === 'published') return;
    if (r.state === 'failed') throw new Error(`bench round failed: ${r.failureReason}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** Median of a list (the bench's steady figures: robust to one round slowed by another agent's job). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
