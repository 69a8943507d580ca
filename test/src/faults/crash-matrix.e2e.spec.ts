import { CoordinatorClient, confirmModel, type AgentIdentity } from '@syndicate/participant';
import {
  HeKeyHolder,
  applyDelta,
  decodeAggregate,
  decodeFloat32,
  decodeSampleCount,
  encodeFloat32,
  encodeSampleCount,
  encodeWeightedDelta,
  modelLayout,
  parseTrainingPlan,
  planSecureSpec,
  seededRandom,
  type FederationKey,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { signedBy } from '../support/signed-contribution';
import { waitFor } from '../support/agent-process';
import { CoordinatorProcess, type ProcessExit } from '../support/coordinator-process';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { maskAll, type LightMasking } from '../support/light-masking';
import { rawQuery } from '../support/raw-db';
import { TaskInbox } from '../support/task-inbox';
import { dealFirstEpoch } from '../support/test-dealer';

/**
 * The coordinator runs as its own process and SIGKILLs itself at one exact step
 * of a secure round (SYNDICATE_FAULT_KILL_AT, coordinator/src/common/fault-point.ts).
 * It is restarted on the same database and ports, the members reconnect and carry
 * on, and the round must end exactly as an uninterrupted one with the same inputs:
 * the same contributors once each, the same decrypted sum, a bit-identical model.
 * The steps of pairwise masking (adverts closing, survivors fixed, a survivor signature,
 * revealed shares) are crashed in masked rounds, whose members run the SDK's own masking.
 */

// ~250k parameters: a model update is four 256 KiB chunks, so it can die half-read.
const HIDDEN = 500;
const planInput: TrainingPlanInput = {
  name: 'crash-matrix',
  schema: {
    features: [
      { name: 'x', type: 'numeric' },
      { name: 'seg', type: 'categorical', vocabulary: Array.from({ length: 497 }, (_, i) => `v${i}`) },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [HIDDEN] },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 900 },
  aggregation: { mode: 'secure', secure: { clip: 1, releasePolicy: 'publish' } },
};
/** The same round with pairwise masking on: every sum it decrypts must be the same, every model the same bytes. */
const maskedInput: TrainingPlanInput = {
  ...planInput,
  aggregation: { mode: 'secure', secure: { clip: 1, releasePolicy: 'publish', masking: { enabled: true } } },
};
const plan = parseTrainingPlan(planInput);
const masking = parseTrainingPlan(maskedInput).aggregation.secure.masking;
const spec = planSecureSpec(plan);
const numParams = modelLayout(plan).numParams;
const BANKS: [string, number][] = [
  ['bank-a', 500],
  ['bank-b', 300],
  ['bank-c', 200],
];
const TOTAL = 1000;

// Fixed local results and seeded rounding noise: every run sends the same packed fields.
const fields = BANKS.map(([, n], i) => {
  const local = seededRandom(1000 + i);
  const delta = Float64Array.from({ length: numParams }, () => (local() - 0.5) * 0.02);
  return encodeWeightedDelta(delta, n / TOTAL, spec, seededRandom(2000 + i)).fields;
});
const expectedSum = Array.from(fields[0], (x, j) => x + fields[1][j] + fields[2][j]);
/** Fields of a decrypted sum that differ from the exact sum (a short count, not a 250k-line diff). */
const wrongFields = (sum: number[]) =>
  sum.length === expectedSum.length ? sum.filter((x, j) => x !== expectedSum[j]).length : -1;

interface Member {
  name: string;
  n: number;
  identity: AgentIdentity;
  client: CoordinatorClient;
  inbox: TaskInbox;
  /** Round tasks as first received: a member that reconnects keeps working on them. */
  tasks: Map<string, Task__Output>;
  /** The SDK's masking, in masked runs: its secrets and what it signed outlive a coordinator restart. */
  masking?: LightMasking;
}

interface RoundRun {
  model: Buffer;
  contributors: string[];
  /** Each member's decryption of the final model sum. */
  sums: number[][];
  aggregateContributors: number[];
  auditOk: boolean;
  /** Audit entries about this round: each published once, each member's update accepted once (entries commit with what they record). */
  audited: { published: number; acceptedUpdates: number };
  /** The step the coordinator died under, how it ended, and what the round held right after the restart. */
  crash?: { during: string; exit: ProcessExit | undefined; contributorsAfterRestart: string[] };
  /** Members told "accepted" before the crash. */
  ackedBeforeCrash: string[];
  /** How each member's model upload ended: 'OK' or the refusal of the re-send after the restart. */
  uploads: Record<string, string>;
  counts: Record<string, string>;
  /** Each member's decryption of the count sum. */
  totals: number[];
  /** Masked runs: each mask session's state, and whether a member's sealed count decrypts to its own count (it must not). */
  masked?: { sessions: string[]; countReadable: boolean };
  log: string;
}

const isRefusal = (err: unknown): err is { reason: string } =>
  typeof (err as { reason?: unknown })?.reason === 'string' && (err as { reason: string }).reason !== '';

const processes: CoordinatorProcess[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.close()));
});

async function runRound(label: string, killAt?: string, masked = false): Promise<RoundRun> {
  const c = await CoordinatorProcess.create(label);
  processes.push(c);
  await c.start(killAt ? { SYNDICATE_FAULT_KILL_AT: killAt } : {});
  const members: Member[] = [];
  const result: Omit<
    RoundRun,
    'model' | 'contributors' | 'sums' | 'aggregateContributors' | 'auditOk' | 'audited' | 'log'
  > = { ackedBeforeCrash: [], uploads: {}, counts: {}, totals: [] };
  let roundId = '';
  const contributorNames = async () => (await c.admin.round(roundId)).contributors.map((x) => x.displayName).sort();

  const restart = async (during: string) => {
    if (result.crash) throw new Error(`coordinator died a second time (during ${during}):\n${c.tail()}`);
    const exit = await c.exited();
    await c.start();
    for (const m of members) {
      m.inbox.close();
      m.client.close();
      m.client = new CoordinatorClient(m.identity);
      m.inbox = new TaskInbox(m.client);
    }
    result.crash = { during, exit, contributorsAfterRestart: roundId ? await contributorNames() : [] };
  };

  /** Runs one step of the round; if the coordinator dies under it, restarts it and runs the step again. */
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    for (;;) {
      if (!c.running) {
        await restart(what);
        continue;
      }
      const outcome = await Promise.race([
        work().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        c.exited().then(() => ({ died: true as const })),
      ]);
      if ('value' in outcome) return outcome.value;
      // A call cut by the crash may fail a moment before the exit is reported.
      if ('error' in outcome) await Promise.race([c.exited(), new Promise((r) => setTimeout(r, 3000))]);
      if (c.running && 'error' in outcome) throw outcome.error;
      await restart(what);
    }
  };

  /** The round's epoch key, as the members hold it (set by the key ceremony step). */
  let sealing: { key: FederationKey; holder: HeKeyHolder } | undefined;

  /** An upload; a re-send the coordinator already holds is refused as a duplicate (or the round has moved on). */
  const upload = async (m: Member, task: Task__Output, kind: 'model' | 'count', payload: Buffer): Promise<string> => {
    try {
      await m.client.uploadUpdate({
        roundId: task.roundId,
        baseModelVersionId: task.modelVersionId,
        encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
        numParams: kind === 'model' ? numParams : 0,
        numSamples: 0,
        payload,
        kind,
        keyEpoch: task.keyEpoch,
        statement: signedBy(m.identity, sealing!.key, sealing!.holder, { roundId: task.roundId, kind, payload }),
      });
      return 'OK';
    } catch (err) {
      if (
        isRefusal(err) &&
        ['DUPLICATE_UPDATE', 'DUPLICATE_COUNT', 'ROUND_NOT_COLLECTING', 'ROUND_NOT_COUNTING'].includes(err.reason)
      )
        return err.reason;
      throw err;
    }
  };
  const taskOf = async (m: Member, type: Task__Output['type']) => {
    if (!m.tasks.has(type)) m.tasks.set(type, await m.inbox.next(type, 90_000));
    return m.tasks.get(type)!;
  };
  /** Encrypted (masked in masked runs) once: a member that lost its answer re-sends the very same bytes. */
  const sealed = new Map<string, Buffer>();
  const sealFor = async (m: Member, task: Task__Output, kind: 'model' | 'count', data: ArrayLike<number>) => {
    const k = `${m.name}:${kind}`;
    if (!sealed.has(k))
      sealed.set(
        k,
        m.masking ? await m.masking.seal(task, kind, sealing!.holder, data) : sealing!.holder.encrypt(data),
      );
    return sealed.get(k)!;
  };
  /** Masked runs: every member advertises its mask keys for the sum as its task arrives, as agents do. */
  const advertise = (kind: 'model' | 'count', type: Task__Output['type']) =>
    step(`advertise ${kind}`, async () => {
      for (const m of members) await m.masking?.prepare(await taskOf(m, type), kind);
    });
  /** Every member decrypts a sum; masked, they sign the survivors and reveal shares together. */
  const openAll = (got: { m: Member; task: Task__Output; data: Buffer }[], kind: 'model' | 'count') =>
    Promise.all(
      got.map(async (g) =>
        Array.from(
          g.m.masking ? await g.m.masking.open(g.task, kind, sealing!.holder, g.data) : sealing!.holder.decrypt(g.data),
        ),
      ),
    );

  try {
    const f = await step('create federation', () => c.admin.createFederation(masked ? maskedInput : planInput));
    for (const [name, n] of BANKS) {
      const e = await step(`enroll ${name}`, () =>
        enrolledClient({ admin: c.admin, grpcAddress: c.grpcAddress, transport: c.transport }, f.id, name),
      );
      members.push({ name, n, ...e, inbox: new TaskInbox(e.client), tasks: new Map() });
    }
    if (masked) maskAll(members, masking);
    await step('members connected', () =>
      waitFor(
        '3 members connected',
        async () => (await c.admin.participants(f.id)).filter((p) => p.connected).length === 3,
        60_000,
      ),
    );
    roundId = (await step('open round', () => c.admin.openRound(f.id))).id;

    const holder = await step('key ceremony', async () => {
      const { key, holder: opened } = await dealFirstEpoch(members, spec.parameterSet, 90_000);
      sealing = { key, holder: opened };
      return opened;
    });
    try {
      if (masked) await advertise('count', 'TASK_TYPE_COUNT');
      for (const m of members) {
        result.counts[m.name] = await step(`count ${m.name}`, async () => {
          const task = await taskOf(m, 'TASK_TYPE_COUNT');
          return upload(m, task, 'count', await sealFor(m, task, 'count', encodeSampleCount(m.n, spec)));
        });
      }
      // Each member learns the consortium's count (its weight's denominator) as its train task arrives.
      result.totals = await step('count total', async () => {
        const got = [];
        for (const m of members) {
          const task = await taskOf(m, 'TASK_TYPE_TRAIN');
          got.push({ m, task, data: (await m.client.downloadAggregate(task.roundId, 'count')).data });
        }
        return (await openAll(got, 'count')).map((sum) => decodeSampleCount(sum, spec));
      });
      if (masked) await advertise('model', 'TASK_TYPE_TRAIN');
      for (const [i, m] of members.entries()) {
        result.uploads[m.name] = await step(`update ${m.name}`, async () => {
          const task = await taskOf(m, 'TASK_TYPE_TRAIN');
          return upload(m, task, 'model', await sealFor(m, task, 'model', fields[i]));
        });
        if (!result.crash && result.uploads[m.name] === 'OK') result.ackedBeforeCrash.push(m.name);
      }

      // Every member decrypts the same sum; the publisher uploads the weights it computes from it.
      const applied = await step('aggregate', async () => {
        const got: { m: Member; task: Task__Output; data: Buffer; contributors: number; base: Float32Array }[] = [];
        for (const m of members) {
          const task = await m.inbox.next('TASK_TYPE_APPLY', 90_000);
          const agg = await m.client.downloadAggregate(task.roundId, 'model');
          const base = decodeFloat32((await m.client.downloadModel(task.modelVersionId)).data, numParams);
          got.push({ m, task, data: agg.data, contributors: agg.contributors, base });
        }
        const sums = await openAll(got, 'model');
        return got.map((g, i) => ({
          ...g,
          sum: sums[i],
          weights: applyDelta(g.base, decodeAggregate(sums[i], numParams, g.contributors, spec).delta),
        }));
      });
      const publisher = applied.find((a) => a.task.publisher) ?? applied[0];
      await step('publish', () =>
        publisher.m.client.publishModel({
          roundId: publisher.task.roundId,
          baseModelVersionId: publisher.task.modelVersionId,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams,
          payload: encodeFloat32(publisher.weights),
          keyEpoch: publisher.task.keyEpoch,
        }),
      );
      // Held until another member confirms the same hash: every member confirms what it computed.
      await step('confirm', async () => {
        for (const a of applied)
          await confirmModel(a.m.identity, {
            roundId: a.task.roundId,
            keyEpoch: a.task.keyEpoch,
            baseModelVersionId: a.task.modelVersionId,
            payload: a.weights,
          });
      });
      const done = await step('published', () =>
        waitFor(
          'round published',
          async () => {
            const r = await c.admin.round(roundId);
            if (r.state === 'failed') throw new Error(`round failed: ${r.failureReason}`);
            return r.state === 'published' && r;
          },
          90_000,
        ),
      );
      return {
        ...result,
        model: await c.admin.weights(done.resultModelVersionId!),
        contributors: done.contributors.map((x) => x.displayName).sort(),
        sums: applied.map((a) => a.sum),
        aggregateContributors: applied.map((a) => a.contributors),
        auditOk: (await c.admin.verifyAudit()).ok,
        audited: await (async () => {
          const entries = (await c.admin.audit({ federationId: f.id })).filter((e) => e.subject === roundId);
          return {
            published: entries.filter((e) => e.action === 'round.published').length,
            acceptedUpdates: entries.filter(
              (e) => e.action === 'update.accepted' && (JSON.parse(e.detail) as { kind?: string }).kind === 'model',
            ).length,
          };
        })(),
        masked: masked
          ? {
              // The evaluation's masked sum opens once the model is published; this test stops there.
              sessions: (
                await rawQuery(
                  c.databaseUrl,
                  `SELECT "kind", "state" FROM "mask_sessions" WHERE "kind" IN ('count', 'model') ORDER BY "kind"`,
                  [],
                )
              ).map((r) => `${String(r.kind)}:${String(r.state)}`),
              countReadable:
                holder.decrypt(sealed.get('bank-a:count')!, 'update')[0] === encodeSampleCount(500, spec)[0],
            }
          : undefined,
        log: c.log(),
      };
    } finally {
      holder.dispose();
    }
  } finally {
    for (const m of members) {
      m.inbox.close();
      m.client.close();
    }
    await c.close();
  }
}

describe(`coordinator SIGKILLed at each phase of a secure round (${testDatabaseKind()})`, () => {
  let baseline: RoundRun;

  beforeAll(async () => {
    baseline = await runRound('crash-baseline');
  });

  it('uninterrupted, the round publishes the exact sum of the three updates', () => {
    expect(baseline.crash).toBeUndefined();
    expect(baseline.contributors).toEqual(['bank-a', 'bank-b', 'bank-c']);
    expect(baseline.sums.map(wrongFields)).toEqual([0, 0, 0]);
    expect(baseline.totals).toEqual([TOTAL, TOTAL, TOTAL]);
    expect(baseline.model.length).toBe(numParams * 4);
  });

  // [fault point, phase, the step it dies under, members in the round right after the restart, how the victim's re-send ends]
  const matrix: [string, string, RegExp, string[], Record<string, string>][] = [
    [
      'upload.accepted.count#2',
      'counting: a sample count committed, its answer not sent',
      /^count bank-b$/,
      [],
      { 'count:bank-b': 'DUPLICATE_COUNT' },
    ],
    [
      'upload.accepted.model#2',
      'collecting: an update committed, its answer not sent',
      /^update bank-b$/,
      ['bank-a', 'bank-b'],
      { 'model:bank-b': 'DUPLICATE_UPDATE' },
    ],
    ['chunk.1#2', 'mid-chunk: an update half-streamed', /^update bank-b$/, ['bank-a'], { 'model:bank-b': 'OK' }],
    [
      'round.aggregating',
      'aggregating: the sum complete, nothing downloaded or published',
      /^(update bank-c|aggregate)$/,
      ['bank-a', 'bank-b', 'bank-c'],
      {},
    ],
    ['chunk.1#4', 'publishing: the publisher’s model half-uploaded', /^publish$/, ['bank-a', 'bank-b', 'bank-c'], {}],
    [
      'round.published',
      // Recorded when a second member confirms the publisher's hash, so the kill lands in a confirmation.
      'publishing: the model written, not yet committed',
      /^confirm$/,
      ['bank-a', 'bank-b', 'bank-c'],
      {},
    ],
  ];

  // The steps of pairwise masking, in masked rounds (the uninterrupted unmasked round is their baseline too).
  const maskedMatrix: typeof matrix = [
    [
      'mask.survivors#1',
      'counting, masked: the count sum’s survivors fixed, the round not yet collecting',
      /^(count bank-c|count total)$/,
      [],
      {},
    ],
    [
      'mask.reveal#1',
      'counting closed, masked: a member’s shares of the count sum stored, its answer not sent',
      /^count total$/,
      [],
      {},
    ],
    [
      'mask.adverts#2',
      'collecting, masked: the last mask advert stored and the committed set frozen, nobody told',
      /^advertise model$/,
      [],
      {},
    ],
    [
      'mask.sign#4',
      'aggregating, masked: a survivor’s signature over the model sum received, not stored',
      /^aggregate$/,
      ['bank-a', 'bank-b', 'bank-c'],
      {},
    ],
  ];

  it.each([
    ...matrix.map((row) => [row[0], false, ...row.slice(1)] as const),
    ...maskedMatrix.map((row) => [row[0], true, ...row.slice(1)] as const),
  ])(
    'killed at %s (masked: %s; %s): the round completes with nothing lost or doubled and a bit-identical model',
    async (killAt, masked, _phase, during, afterRestart, resends) => {
      const run = await runRound(`crash-${killAt.replace(/\W/g, '-')}`, killAt, masked);
      // It died where it was told to, by SIGKILL, exactly once.
      expect(run.crash).toBeDefined();
      expect(run.crash!.exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(run.log).toContain(`fault point ${killAt.includes('#') ? killAt : `${killAt}#1`}: SIGKILL`);
      expect(run.crash!.during).toMatch(during);
      // Durable before acknowledged: every update the coordinator confirmed survived; a half-streamed one left nothing.
      expect(run.crash!.contributorsAfterRestart).toEqual(expect.arrayContaining(run.ackedBeforeCrash));
      expect(run.crash!.contributorsAfterRestart).toEqual(afterRestart);
      for (const [key, outcome] of Object.entries(resends)) {
        const [kind, name] = key.split(':');
        expect({ key, outcome: (kind === 'count' ? run.counts : run.uploads)[name] }).toEqual({ key, outcome });
      }
      // Each update once, the decrypted sum exact, the model the same bytes as without the crash.
      expect(run.contributors).toEqual(['bank-a', 'bank-b', 'bank-c']);
      expect(run.aggregateContributors).toEqual([3, 3, 3]);
      expect(run.sums.map(wrongFields)).toEqual([0, 0, 0]);
      expect(run.totals).toEqual([TOTAL, TOTAL, TOTAL]);
      expect(run.model.equals(baseline.model)).toBe(true);
      // Masked runs went through the masking protocol to the end, and a stored count was noise.
      if (masked)
        expect(run.masked).toEqual({ sessions: ['count:confirming', 'model:confirming'], countReadable: false });
      expect(run.auditOk).toBe(true);
      expect(run.audited).toEqual({ published: 1, acceptedUpdates: 3 });
    },
  );
});
