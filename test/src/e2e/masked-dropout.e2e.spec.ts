import * as fs from 'fs';
import * as path from 'path';
import { decodeFloat32, planSecureSpec, quantizationStep } from '@syndicate/protocol';
import { runAgentProcess, waitFor, type AgentProcess } from '../support/agent-process';
import { agentConsortium, type AgentConsortium } from '../support/agent-consortium';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';

/** Round deadline: rounds 1 and 3 run into it (a member never uploads; survivors never unmask), so it sets the suite's length. */
const DEADLINE = 20;
const BANKS = 5; // masking threshold 4: one member may drop, two may not
const killAt = (point: string) => ({ SYNDICATE_AGENT_FAULT_KILL_AT: point });

type Round = Awaited<ReturnType<Harness['admin']['round']>>;

/**
 * Five banks run real agent processes with pairwise masking on; one or two of them SIGKILL themselves
 * at an exact step of the masking protocol (SYNDICATE_AGENT_FAULT_KILL_AT, participant-sdk/src/common/
 * fault-point.ts). Above the threshold the survivors rebuild the missing masks and the round publishes
 * the exact weighted mean of the members in the sum; below it too few shares come out to unmask anything.
 */
describe(`masked secure rounds with members that drop mid-protocol (${testDatabaseKind()})`, () => {
  let h: Harness;
  let c: AgentConsortium;
  const agents: AgentProcess[] = [];
  let ids: string[] = []; // participant id of each bank, in bank order
  const rounds: Round[] = [];
  let spec: ReturnType<typeof planSecureSpec>;

  beforeAll(async () => {
    h = await startHarness('masked-dropout');
    c = await agentConsortium(h, {
      name: 'masked-dropout',
      seed: 5,
      banks: BANKS,
      agents,
      masked: true,
      keepUpdates: true,
      deadlineSeconds: DEADLINE,
      // Local deltas here stay under 0.1: clip 0.5 makes the codec's bound small enough to tell one member's part.
      clip: 0.5,
      // Round 1: the fifth bank drops once its contribution is masked, before it sends it.
      env: (i) => (i === 4 ? killAt('mask.sealed.model') : undefined),
    });
    const byName = new Map((await h.admin.participants(c.federationId)).map((p) => [p.displayName, p.id]));
    ids = c.csv.map((b) => byName.get(b.name)!);
    spec = planSecureSpec((await h.admin.federation(c.federationId)).plan);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(agents.map(kill));
    await h?.stop();
  });

  /** No graceful stop: an agent would first see through whatever masked sum it is waiting on. */
  const kill = async (a: AgentProcess) => {
    if (a.proc.exitCode !== null || a.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => a.proc.once('exit', resolve));
    a.proc.kill('SIGKILL');
    await exited;
  };
  /** A bank's agent again on its saved identity, with this drop point (or none). */
  const restart = async (i: number, env?: Record<string, string>) => {
    await kill(agents[i]);
    const b = c.csv[i];
    agents[i] = runAgentProcess({
      coordinator: h.grpcAddress,
      transport: h.transport,
      csv: b.file,
      dir: c.dir,
      name: b.name,
      keepUpdates: true,
      env,
    });
  };
  /**
   * Members evaluate each published model before they take the next round's tasks: the next round
   * opens once that evaluation is over, or its counts could miss their short window.
   */
  const evaluated = (round: Round) =>
    waitFor(`the evaluation of round ${round.number}'s model`, async () => {
      const ev = await h.admin.evaluation(round.resultModelVersionId!).catch(() => undefined);
      return ev && ['complete', 'failed'].includes(ev.state);
    });
  /** The agent died where it was told to, not somewhere else. */
  const droppedAt = async (i: number, point: string) => {
    const a = agents[i];
    await waitFor(`${c.csv[i].name} to drop`, async () => a.proc.exitCode !== null || a.proc.signalCode !== null);
    expect({
      signal: a.proc.signalCode,
      log: fs.readFileSync(a.logFile, 'utf8').includes(`fault point ${point}#1`),
    }).toEqual({ signal: 'SIGKILL', log: true });
  };
  const messages = (roundId: string) =>
    rawQuery(h.databaseUrl, 'SELECT "type", "fromId", "toId", "body" FROM "mask_messages" WHERE "sessionId" = ?', [
      `${roundId}:model`,
    ]);
  const session = async (roundId: string) =>
    (await rawQuery(h.databaseUrl, 'SELECT * FROM "mask_sessions" WHERE "id" = ?', [`${roundId}:model`]))[0];
  /** Who revealed which kind of share of `peer`. */
  const revealersOf = (rows: Awaited<ReturnType<typeof messages>>, peer: string, kind: string) =>
    rows
      .filter(
        (r) => r.type === 'reveal' && r.toId === peer && (JSON.parse(String(r.body)) as { kind: string }).kind === kind,
      )
      .map((r) => String(r.fromId))
      .sort();

  /**
   * The published model's largest distance from the float weighted mean of the given banks' local
   * results (kept on their disks), weighted by their sample counts, and the codec's bound for it: each
   * member's quantization step, renormalised by the weight the members in the sum carry (their share
   * of every counted member's samples).
   */
  const fromMean = async (round: Round, inSum: number[]) => {
    const local = (i: number) => {
      const base = path.join(agents[i].stateDir, 'updates', `round-${round.number}`);
      const meta = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as { roundId: string; numSamples: number };
      expect(meta.roundId).toBe(round.id);
      const read = (f: string) => decodeFloat32(fs.readFileSync(f));
      return { weights: read(`${base}.f32`), global: read(`${base}.base.f32`), n: meta.numSamples };
    };
    const locals = inSum.map(local);
    const total = ids.reduce((s, _, i) => s + local(i).n, 0); // every bank counted in these rounds
    const n = locals.reduce((s, l) => s + l.n, 0);
    const bound = (locals.length * quantizationStep({ clip: spec.clip, bits: spec.bits })) / (n / total);
    const published = decodeFloat32(await h.admin.weights(round.resultModelVersionId!));
    expect(published.length).toBe(locals[0].weights.length);
    let maxErr = 0;
    for (let p = 0; p < published.length; p++) {
      let mean = 0;
      for (const l of locals) {
        expect(l.global[p]).toBe(locals[0].global[p]); // all trained from the same global model
        expect(Math.abs(l.weights[p] - l.global[p])).toBeLessThanOrEqual(spec.clip); // nothing clipped
        mean += (l.n * l.weights[p]) / n;
      }
      maxErr = Math.max(maxErr, Math.abs(published[p] - mean));
    }
    return { maxErr, bound: bound + 1e-6 };
  };
  /** Within the bound of these members' mean, not bit-equal (quantized), and outside it for the other set. */
  const expectMeanOf = async (round: Round, inSum: number[], notOf: number[]) => {
    const mean = await fromMean(round, inSum);
    expect(mean.maxErr).toBeLessThanOrEqual(mean.bound);
    expect(mean.maxErr).toBeGreaterThan(0);
    // Positive control: the check tells this mean from the one with or without the dropped member.
    expect((await fromMean(round, notOf)).maxErr).toBeGreaterThan(mean.bound);
  };

  it('a member that drops after dealing its shares and masking, before uploading: the survivors’ exact weighted mean', async () => {
    const opened = await h.admin.openRound(c.federationId);
    await droppedAt(4, 'mask.sealed.model');
    const round = await c.finished(opened.id);
    rounds.push(round);
    expect({ state: round.state, why: round.failureReason }).toEqual({ state: 'published', why: null });
    expect(round.contributors.map((x) => x.displayName).sort()).toEqual(
      c.csv
        .slice(0, 4)
        .map((b) => b.name)
        .sort(),
    );

    // The dropped member advertised its mask key and dealt its shares; its peers masked with it.
    const rows = await messages(round.id);
    expect(
      rows
        .filter((r) => r.type === 'advert')
        .map((r) => r.fromId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(rows.filter((r) => r.type === 'shares' && r.fromId === ids[4])).toHaveLength(BANKS);
    expect(JSON.parse(String((await session(round.id)).survivorsJson))).toEqual(ids.slice(0, 4).sort());
    // Its pair masks came off through its mask key, rebuilt from the survivors' shares; its self-mask was never asked for.
    expect(revealersOf(rows, ids[4], 'mask-key')).toEqual(ids.slice(0, 4).sort());
    expect(revealersOf(rows, ids[4], 'self-mask')).toEqual([]);
    await expectMeanOf(round, [0, 1, 2, 3], [0, 1, 2, 3, 4]);
  }, 120_000);

  it('a member that drops after uploading, before revealing its shares: the mean of every member in the sum', async () => {
    await restart(4, killAt('upload.accepted.model'));
    await evaluated(rounds[0]);
    await c.connected(BANKS);
    const opened = await h.admin.openRound(c.federationId);
    await droppedAt(4, 'upload.accepted.model');
    const round = await c.finished(opened.id);
    rounds.push(round);
    expect({ state: round.state, why: round.failureReason }).toEqual({ state: 'published', why: null });
    expect(round.contributors).toHaveLength(BANKS);

    // In the sum, so a survivor, but it neither signed nor revealed: its self-mask was rebuilt from the others' shares.
    const rows = await messages(round.id);
    expect(JSON.parse(String((await session(round.id)).survivorsJson))).toEqual([...ids].sort());
    expect(
      rows
        .filter((r) => r.type === 'signature')
        .map((r) => r.fromId)
        .sort(),
    ).toEqual(ids.slice(0, 4).sort());
    expect(rows.some((r) => r.fromId === ids[4] && r.type === 'reveal')).toBe(false);
    expect(revealersOf(rows, ids[4], 'self-mask')).toEqual(ids.slice(0, 4).sort());
    await expectMeanOf(round, [0, 1, 2, 3, 4], [0, 1, 2, 3]);
  }, 120_000);

  it('fewer survivors than the threshold unmask: the round fails TOO_FEW_SURVIVORS and nothing is decrypted', async () => {
    // Two of five go: one right after uploading, one after signing the survivor set but before revealing.
    await restart(4, killAt('mask.signed.model'));
    await evaluated(rounds[1]);
    await restart(3, killAt('upload.accepted.model'));
    await c.connected(BANKS);
    const opened = await h.admin.openRound(c.federationId);
    const round = await c.finished(opened.id);
    await droppedAt(3, 'upload.accepted.model');
    await droppedAt(4, 'mask.signed.model');
    expect({ state: round.state, code: round.failureCode }).toEqual({ state: 'failed', code: 'TOO_FEW_SURVIVORS' });
    expect(round.failureReason).toMatch(/masking threshold is 4: no mask can come off, the sum is not decrypted/);

    // Four signed the survivor set (the threshold), but only three revealed shares: too few to rebuild any seed.
    const rows = await messages(round.id);
    expect(
      rows
        .filter((r) => r.type === 'signature')
        .map((r) => r.fromId)
        .sort(),
    ).toEqual([ids[0], ids[1], ids[2], ids[4]].sort());
    for (const peer of ids) expect(revealersOf(rows, peer, 'self-mask')).toEqual(ids.slice(0, 3).sort());
    expect((await session(round.id)).state).toBe('failed');
    // Nothing was decrypted: no member published or confirmed a model, none was recorded, none applied the sum.
    expect(round.resultModelVersionId).toBeNull();
    expect((await h.admin.models(c.federationId)).map((m) => m.roundNumber)).not.toContain(round.number);
    for (const table of ['pending_publications', 'model_confirmations'])
      expect(await rawQuery(h.databaseUrl, `SELECT 1 FROM "${table}" WHERE "roundId" = ?`, [round.id])).toEqual([]);
    for (const a of agents.slice(0, 3))
      expect(
        fs
          .readFileSync(a.logFile, 'utf8')
          .split('\n')
          .some((l) => l.includes('aggregate decrypted and applied') && l.includes(`"round":${round.number}`)),
      ).toBe(false);
  }, 120_000);
});
