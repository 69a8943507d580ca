/**
 * `npm run bench:masking`: what pairwise masking (issue 15) costs one member and the decrypting
 * members, on packed BFV slots, at 8, 50 and 100 members, next to encrypting the same slots. Pure
 * computation in one process (no gRPC): the round-level figures belong to the secure-aggregation bench
 * once masking is wired into rounds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import { Command } from 'commander';
import nacl from 'tweetnacl';
import {
  DEFAULT_HE_PARAMETER_SET,
  HeKeyHolder,
  dealShares,
  droppedPairSeeds,
  expandMask,
  generateFederationKey,
  maskSlots,
  maskingSettingsSchema,
  newMaskKeyPair,
  openShares,
  pairSeed,
  planMasking,
  rebuildMaskKey,
  selfSeedCommitment,
  signMaskKeyAdvert,
  signSurvivorSet,
  unmaskSum,
  type MaskSession,
  type MaskingPlan,
} from '@syndicate/protocol';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const r4 = (x: number) => Number(x.toPrecision(4));

/**
 * CPU seconds (user + system) of the fastest of `reps` runs of fn. The machine is shared (load
 * average in the output): CPU time is what the work costs one core, wall time adds whatever other
 * processes took, and the fastest run is the one least disturbed by them.
 */
async function timed(reps: number, fn: () => unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    out.push((c.user + c.system) / 1e6);
  }
  return Math.min(...out);
}

interface Member {
  participantId: string;
  selfSeed: Uint8Array;
  maskSecretKey: Uint8Array;
  maskPublicKey: Uint8Array;
  box: nacl.BoxKeyPair;
}

const member = (i: number): Member => {
  const k = newMaskKeyPair();
  return {
    participantId: `bank-${String(i).padStart(3, '0')}`,
    selfSeed: nacl.randomBytes(32),
    maskSecretKey: k.secretKey,
    maskPublicKey: k.publicKey,
    box: nacl.box.keyPair(),
  };
};

interface Figures {
  graph: string;
  threshold: number;
  member_mask_seconds: number;
  member_shares_seconds: number;
  unmask_seconds_no_dropout: number;
  unmask_seconds_10pct_dropped: number;
  ratio_member_mask_to_encrypt: number;
  extra_bytes_per_member: number;
}

async function measure(
  n: number,
  graph: 'complete' | 'sparse',
  degree: number,
  slots: Uint32Array,
  modulus: number,
  encryptSeconds: number,
  reps: number,
): Promise<Figures> {
  const session: MaskSession = {
    federationId: 'fed-bench',
    roundId: `round-${n}-${graph}`,
    keyEpoch: 1,
    kind: 'model',
  };
  const members = Array.from({ length: n }, (_, i) => member(i));
  const byId = new Map(members.map((m) => [m.participantId, m]));
  const settings = maskingSettingsSchema.parse(graph === 'sparse' ? { graph: { kind: 'sparse', degree } } : {});
  const plan: MaskingPlan = planMasking(settings, session, [...byId.keys()]);
  const me = members[0];
  const neighbours = plan.neighbours.get(me.participantId)!.map((id) => byId.get(id)!);
  const holders = [me, ...neighbours];

  // One member, per masked sum: agree a seed with each neighbour, then mask its packed slots.
  const member_mask_seconds = await timed(reps, () => {
    const pairs = neighbours.map((p) => ({ peerId: p.participantId, seed: pairSeed(session, me, p) }));
    maskSlots(slots, { session, modulus, selfId: me.participantId, selfSeed: me.selfSeed, pairs });
  });

  // One member, per masked sum: sign its advert, split and seal its two secrets, open its neighbours' shares.
  const signKey = nacl.sign.keyPair();
  let sharesBytes = 0;
  const member_shares_seconds = await timed(reps, async () => {
    signMaskKeyAdvert(
      {
        session,
        participantId: me.participantId,
        maskPublicKey: me.maskPublicKey,
        selfSeedCommitment: selfSeedCommitment(session, me.participantId, me.selfSeed),
      },
      signKey.secretKey,
    );
    const sealed = await dealShares({
      session,
      selfId: me.participantId,
      secrets: me,
      threshold: plan.threshold,
      holders: holders.map((h) => ({ participantId: h.participantId, boxPublicKey: h.box.publicKey })),
      senderBoxSecretKey: me.box.secretKey,
    });
    sharesBytes = sealed.reduce((s, b) => s + b.box.length, 0);
    // What it receives is the same size; opening costs about what sealing does.
    for (const b of sealed)
      openShares({
        session,
        selfId: b.to,
        sealed: b,
        senderBoxPublicKey: me.box.publicKey,
        recipientBoxSecretKey: byId.get(b.to)!.box.secretKey,
      });
    signSurvivorSet(session, [...byId.keys()], new Uint8Array(32), signKey.secretKey);
  });

  // The decrypting side: take off every survivor's self-mask, and (10% dropped) rebuild the
  // dropped members' keys and take off their pair masks with each surviving neighbour.
  const sum = slots; // the values do not matter for the cost
  const unmask = async (droppedCount: number) => {
    const dropped = members.slice(n - droppedCount);
    const survivors = members.slice(0, n - droppedCount);
    const rebuilt = await Promise.all(
      dropped.map(async (d) => {
        const sealed = await dealShares({
          session,
          selfId: d.participantId,
          secrets: d,
          threshold: plan.threshold,
          holders: [d, ...plan.neighbours.get(d.participantId)!.map((id) => byId.get(id)!)].map((h) => ({
            participantId: h.participantId,
            boxPublicKey: h.box.publicKey,
          })),
          senderBoxSecretKey: d.box.secretKey,
        });
        const shares = sealed.slice(0, plan.threshold).map(
          (b) =>
            openShares({
              session,
              selfId: b.to,
              sealed: b,
              senderBoxPublicKey: d.box.publicKey,
              recipientBoxSecretKey: byId.get(b.to)!.box.secretKey,
            }).keyShare,
        );
        return { d, shares };
      }),
    );
    return timed(reps, async () => {
      const keys = await Promise.all(
        rebuilt.map(async ({ d, shares }) => ({
          participantId: d.participantId,
          maskSecretKey: await rebuildMaskKey({
            session,
            participantId: d.participantId,
            shares,
            threshold: plan.threshold,
            maskPublicKey: d.maskPublicKey,
          }),
        })),
      );
      unmaskSum(sum, {
        session,
        modulus,
        survivorSelfSeeds: survivors.map((s) => s.selfSeed),
        droppedPairs: droppedPairSeeds(session, keys, survivors, (a, b) => plan.neighbours.get(a)!.includes(b)),
      });
    });
  };
  const unmask_seconds_no_dropout = await unmask(0);
  const unmask_seconds_10pct_dropped = await unmask(Math.max(1, Math.round(n / 10)));

  // Per member per masked sum: advert (key 32 + commitment 32 + signature 64), sealed shares to each
  // holder (sent; as many received), a 33-byte share revealed per holder peer, a 64-byte survivor-set signature.
  const advertBytes = 32 + 32 + 64;
  const revealBytes = (holders.length - 1) * 33;
  return {
    graph: graph === 'sparse' ? `sparse degree ${degree}` : 'complete',
    threshold: plan.threshold,
    member_mask_seconds: r4(member_mask_seconds),
    member_shares_seconds: r4(member_shares_seconds),
    unmask_seconds_no_dropout: r4(unmask_seconds_no_dropout),
    unmask_seconds_10pct_dropped: r4(unmask_seconds_10pct_dropped),
    ratio_member_mask_to_encrypt: r4((member_mask_seconds + member_shares_seconds) / encryptSeconds),
    extra_bytes_per_member: advertBytes + sharesBytes + revealBytes + 64,
  };
}

async function main(): Promise<void> {
  const o = new Command('syndicate-masking-bench')
    .description('Micro-bench of pairwise masking on packed BFV slots (no gRPC).')
    .option('--slots <n>', 'packed slots per member (1M slots carry 2M 15-bit fields)', '1000000')
    .option('--members <list>', 'member counts', '8,50,100')
    .option('--degree <k>', 'sparse graph degree (SecAgg+)', '16')
    .option('--reps <n>', 'runs per figure (the fastest counts)', '3')
    .option('--out <file>', 'JSON output', path.join(REPO_ROOT, 'bench', 'results', 'masking-micro.json'))
    .parse(process.argv)
    .opts<{ slots: string; members: string; degree: string; reps: string; out: string }>();
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1));
  const { slotCount, plainModulus } = holder.rt;
  const cts = Math.ceil(Number(o.slots) / slotCount);
  const total = cts * slotCount;
  const reps = Number(o.reps);
  const slots = Uint32Array.from({ length: total }, (_, i) => (i * 2654435761) % 2 ** 30);
  log(`masking bench: ${total} slots (${cts} ciphertexts), t = ${plainModulus}, load ${loadAtStart.toFixed(1)}`);

  const session: MaskSession = { federationId: 'fed-bench', roundId: 'prg', keyEpoch: 1, kind: 'model' };
  const scratch = new Uint32Array(total);
  const expandSeconds = await timed(reps, () =>
    expandMask(new Uint8Array(32), session, 'pair', total, plainModulus, scratch),
  );
  const views = Array.from({ length: cts }, (_, i) => slots.subarray(i * slotCount, (i + 1) * slotCount));
  const encryptSeconds = await timed(Math.min(reps, 2), () => holder.encryptSlots(views, total * 2));
  holder.dispose();
  log(`expand ${r4(total / expandSeconds / 1e6)} M values/s; encrypt ${r4(encryptSeconds)} s`);

  const degree = Number(o.degree);
  const results: Record<string, Figures[]> = {};
  for (const n of o.members.split(',').map(Number)) {
    results[String(n)] = [];
    for (const graph of n > degree + 1 ? (['complete', 'sparse'] as const) : (['complete'] as const)) {
      log(`${n} members, ${graph}`);
      results[String(n)].push(await measure(n, graph, degree, slots, plainModulus, encryptSeconds, reps));
    }
  }
  const out = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      load_average_1min: { start: r4(loadAtStart), end: r4(os.loadavg()[0]) },
      date: new Date().toISOString(),
    },
    slots: total,
    fields: total * 2,
    plain_modulus: plainModulus,
    expand_values_per_s: r4(total / expandSeconds),
    encrypt_seconds: r4(encryptSeconds),
    members: results,
    note: 'one process, CPU seconds (user + system) of the fastest run: the machine is shared (see load_average_1min); member_mask: pair-seed agreement with each neighbour + self and pair masks on the packed slots; member_shares: advert, Shamir split + seal to every holder, opening as many, survivor-set signature; unmask: the decrypting member rebuilds dropped keys (Shamir combine) and takes off every mask left; ratio: member masking over encrypting the same slots',
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(out, null, 2)}\n`);
  const table = new Table({
    head: ['members', 'graph', 't', 'mask s', 'shares s', 'unmask s', 'unmask 10% drop s', 'x encrypt', 'extra B'],
    style: { head: [], border: [] },
  });
  for (const [n, rows] of Object.entries(results))
    for (const f of rows)
      table.push([
        n,
        f.graph,
        f.threshold,
        f.member_mask_seconds,
        f.member_shares_seconds,
        f.unmask_seconds_no_dropout,
        f.unmask_seconds_10pct_dropped,
        f.ratio_member_mask_to_encrypt,
        f.extra_bytes_per_member,
      ]);
  process.stdout.write(
    `${table.toString()}\nexpand: ${r4(out.expand_values_per_s / 1e6)} M values/s; encrypt ${total} slots: ${out.encrypt_seconds} s\nwritten to ${o.out} in ${out.seconds} s\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`masking bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
