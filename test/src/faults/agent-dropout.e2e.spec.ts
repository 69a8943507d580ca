import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv } from '@syndicate/examples';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, runAgentProcess, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process';
import { CoordinatorProcess } from '../support/coordinator-process';
import { testDatabaseKind } from '../support/database';
import { TcpProxy } from '../support/tcp-proxy';

const base: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);
// ~200k parameters: an encrypted update is about 800 KB, a sample count about 33 KB,
// so the victim's link can be frozen half-way through its update and nowhere else.
const plan: TrainingPlanInput = {
  ...base,
  name: 'agent-dropout',
  model: { template: 'mlp', hiddenUnits: [4096, 32] },
  // Rounds 1 and 2 run to their deadline (the victim never finishes): generous, since they set the suite's length.
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 40 },
  aggregation: { mode: 'secure', secure: { clip: 4, releasePolicy: 'publish' } },
};
const FREEZE_AFTER_BYTES = 400_000;

interface LogLine {
  time: number;
  msg: string;
  retryInMs?: number;
  contributors?: number;
  round?: number;
}
const logLines = (a: AgentProcess): LogLine[] =>
  fs
    .readFileSync(a.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

/**
 * Real `syndicate-agent` processes. One bank reaches the coordinator through a
 * relay the test controls: its link hangs half-way through its encrypted update
 * and the agent is SIGKILLed there. Then the coordinator itself is SIGKILLed
 * mid-round while every agent is connected.
 */
describe(`real agents that drop mid-upload, and a coordinator that disappears (${testDatabaseKind()})`, () => {
  let c: CoordinatorProcess;
  let dir: string;
  const agents: AgentProcess[] = [];
  const proxies: TcpProxy[] = [];
  let federationId: string;
  let csv: Record<string, string>;
  // Four banks: a secure round needs 3 contributors, so one can drop and the round still publishes.
  const names = ['alpine', 'baltic', 'cascade', 'delta'];
  const victim = 'cascade';

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(proxies.map((p) => p.close()));
    await c?.close();
  });

  const connected = (n: number) =>
    waitFor(
      `${n} agents connected`,
      async () => (await c.admin.participants(federationId)).filter((p) => p.connected).length === n,
      120_000,
    );
  const finished = (roundId: string) =>
    waitFor(
      `round ${roundId} to finish`,
      async () => {
        const r = await c.admin.round(roundId);
        return (r.state === 'published' || r.state === 'failed') && r;
      },
      180_000,
    );
  const audit = async () =>
    (await c.admin.audit({ federationId })).map((e) => ({
      ...e,
      detail: JSON.parse(e.detail) as Record<string, unknown>,
    }));
  const victimId = async () => (await c.admin.participants(federationId)).find((p) => p.displayName === victim)!.id;

  /** The victim agent behind a fresh relay; resolves once its link has hung mid-update, with it SIGKILLed and the link cut. */
  const victimDiesMidUpload = async (a: AgentProcess, proxy: TcpProxy, roundId: string) => {
    const roundOver = finished(roundId).then((r) => {
      throw new Error(`round ${r.number} ended ${r.state} before ${victim} uploaded (${r.failureReason ?? ''})`);
    });
    await Promise.race([proxy.freezeAfter(FREEZE_AFTER_BYTES), roundOver]);
    roundOver.catch(() => undefined);
    a.proc.kill('SIGKILL');
    await new Promise((resolve) =>
      a.proc.exitCode !== null || a.proc.signalCode !== null ? resolve(null) : a.proc.once('exit', resolve),
    );
    proxy.cut();
  };
  const victimBehindRelay = async (enroll: boolean): Promise<{ agent: AgentProcess; proxy: TcpProxy }> => {
    const proxy = await TcpProxy.start(c.grpcPort);
    proxies.push(proxy);
    const target = { admin: c.admin, grpcAddress: `localhost:${proxy.port}`, transport: c.transport };
    const agent = enroll
      ? await startAgentProcess(target, federationId, victim, csv[victim], dir)
      : runAgentProcess({
          coordinator: target.grpcAddress,
          transport: c.transport,
          csv: csv[victim],
          dir,
          name: victim,
        });
    agents.push(agent);
    return { agent, proxy };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-agent-dropout-'));
    const { banks } = generateConsortium({ seed: 9, scale: 0.05 });
    csv = Object.fromEntries(
      banks.slice(0, 4).map((b) => {
        const file = path.join(dir, `${b.name}.csv`);
        fs.writeFileSync(file, toCsv(b.rows));
        return [b.name, file];
      }),
    );
    c = await CoordinatorProcess.create('agent-dropout');
    // Short idle limit: the victim's half-sent stream is given up on quickly.
    await c.start({ SYNDICATE_STREAM_IDLE_SECONDS: '5' });
    federationId = (await c.admin.createFederation(plan)).id;
  });

  let firstVictim: { agent: AgentProcess; proxy: TcpProxy };

  it('an agent SIGKILLed mid-upload leaves nothing in the sum; the round publishes from the others (quorum 3 of 4)', async () => {
    for (const name of names.filter((n) => n !== victim))
      agents.push(await startAgentProcess(c, federationId, name, csv[name], dir));
    firstVictim = await victimBehindRelay(true);
    await connected(4);
    await pinAgents(agents);
    const round = await c.admin.openRound(federationId, { minParticipants: 3, deadlineSeconds: 40 });
    await victimDiesMidUpload(firstVictim.agent, firstVictim.proxy, round.id);
    const during = await c.admin.round(round.id);
    expect(during.state).toBe('collecting');
    expect(during.contributors.map((x) => x.displayName)).not.toContain(victim);

    const done = await finished(round.id);
    expect({ state: done.state, reason: done.failureReason }).toEqual({ state: 'published', reason: null });
    expect(done.contributors.map((x) => x.displayName).sort()).toEqual(['alpine', 'baltic', 'delta']);
    // The coordinator saw the victim's update begin and refused what arrived of it.
    const id = await victimId();
    const refused = await waitFor(
      'the half-sent update to be refused',
      async () =>
        (await audit()).find(
          (e) =>
            e.action === 'update.rejected' && e.actor === id && e.subject === round.id && e.detail.kind === 'model',
        ),
      60_000,
    );
    // The cut stream ends short of its declared size (or, if it hangs, is dropped as idle).
    expect(refused.detail.reason).toMatch(/^(WIRE_INCOMPLETE|STREAM_IDLE)$/);
    expect(
      (await audit()).some(
        (e) => e.action === 'update.accepted' && e.actor === id && e.subject === round.id && e.detail.kind === 'model',
      ),
    ).toBe(false);
    // Every survivor decrypted and applied a three-member sum.
    for (const n of names.filter((x) => x !== victim)) {
      const a = agents.find((x) => x.logFile.endsWith(`agent-${n}.log`))!;
      const applied = await waitFor(
        `${n} to apply round ${done.number}`,
        async () => logLines(a).find((l) => l.msg === 'aggregate decrypted and applied' && l.round === done.number),
        60_000,
      );
      expect(applied.contributors).toBe(3);
    }
  });

  it('when the drop leaves the round short of quorum (4 of 4), it fails with QUORUM_MISSED and publishes nothing', async () => {
    const modelsBefore = (await c.admin.models(federationId)).length;
    const again = await victimBehindRelay(false);
    await connected(4);
    const round = await c.admin.openRound(federationId, { minParticipants: 4, deadlineSeconds: 30 });
    await victimDiesMidUpload(again.agent, again.proxy, round.id);

    const done = await finished(round.id);
    expect(done.state).toBe('failed');
    expect(done.failureCode).toBe('QUORUM_MISSED');
    expect(done.failureReason).toMatch(/quorum not met at deadline: 3 of 4/);
    expect(done.resultModelVersionId).toBeNull();
    expect((await c.admin.models(federationId)).length).toBe(modelsBefore);
    const failed = (await audit()).find((e) => e.action === 'round.failed' && e.subject === round.id);
    expect(failed?.detail).toMatchObject({ code: 'QUORUM_MISSED', reason: done.failureReason });
  });

  it('after the coordinator is SIGKILLed mid-round, agents reconnect with backoff and jitter and the round completes with all of them', async () => {
    agents.push(
      runAgentProcess({ coordinator: c.grpcAddress, transport: c.transport, csv: csv[victim], dir, name: victim }),
    );
    await connected(4);
    const round = await c.admin.openRound(federationId, { minParticipants: 4, deadlineSeconds: 300 });
    await waitFor('round collecting', async () => (await c.admin.round(round.id)).state === 'collecting', 120_000);
    const killedAt = Date.now();
    expect(await c.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // Down long enough for several reconnect attempts.
    await new Promise((r) => setTimeout(r, 6000));
    await c.start({ SYNDICATE_STREAM_IDLE_SECONDS: '5' });

    const done = await finished(round.id);
    expect({ state: done.state, reason: done.failureReason }).toEqual({ state: 'published', reason: null });
    expect(done.contributors.map((x) => x.displayName).sort()).toEqual(names);

    // Each agent's retries while it was away: exponential (attempt k waits 250-500 ms x 2^k) and jittered.
    const live = names.map((n) => [...agents].reverse().find((a) => a.logFile.endsWith(`agent-${n}.log`))!);
    const delays = live.map((a) =>
      logLines(a)
        .filter((l) => l.msg === 'task stream lost; reconnecting' && l.time >= killedAt)
        .map((l) => l.retryInMs!),
    );
    for (const d of delays) {
      expect(d.length).toBeGreaterThanOrEqual(3);
      d.slice(0, 4).forEach((ms, k) => {
        expect(ms).toBeGreaterThanOrEqual(250 * 2 ** k);
        expect(ms).toBeLessThanOrEqual(500 * 2 ** k);
      });
    }
    expect(new Set(delays.map((d) => d.slice(0, 3).join(','))).size).toBe(names.length);
  });
});
