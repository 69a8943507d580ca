import type { RoundView } from '@syndicate/coordinator';
import { CoordinatorClient, type AgentIdentity } from '@syndicate/participant';
import { encodeFloat32, type TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { ShiftedClock } from '../support/shifted-clock';
import { TaskInbox } from '../support/task-inbox';

const plan: TrainingPlanInput = {
  name: 'scheduled',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, deadlineSeconds: 30 },
};

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ticks = (n: number) => new Promise((r) => setTimeout(r, n * 50 + 100));

// Windows are picked a minute or two ahead of now, so the clock moves by minutes (see ShiftedClock).
describe(`scheduled rounds with an injected clock (${testDatabaseKind()})`, () => {
  const clock = new ShiftedClock();
  let h: Harness;
  let identities: AgentIdentity[];
  let members: CoordinatorClient[];
  let federationId: string;
  let numParams: number;

  afterAll(async () => {
    for (const m of members ?? []) m.close();
    await h?.stop();
  });

  const rounds = () => h.admin.rounds(federationId);
  const upload = (m: CoordinatorClient, r: RoundView) =>
    m.uploadUpdate({
      roundId: r.id,
      baseModelVersionId: r.baseModelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(numParams).fill(r.number)),
    });
  const openRound = (number: number) =>
    until(`round ${number} to open`, async () =>
      (await rounds()).find((r) => r.number === number && r.state === 'collecting'),
    );
  const settled = (number: number) =>
    until(`round ${number} to finish`, async () =>
      (await rounds()).find((r) => r.number === number && (r.state === 'published' || r.state === 'failed')),
    );

  it('opens rounds only inside the window, honours quorum and deadline, and continues after a restart without duplicating or skipping', async () => {
    // Two one-minute windows: at T and at T + 2 min (every hour).
    const T = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    const m1 = new Date(T).getUTCMinutes();
    const m2 = new Date(T + 120_000).getUTCMinutes();
    h = await startHarness('schedule', { tickMs: 50, clock });
    const f = await h.admin.createFederation(plan);
    federationId = f.id;
    numParams = f.numParams;
    identities = [];
    for (const name of ['alpine', 'baltic']) identities.push((await enrolledClient(h, federationId, name)).identity);
    members = identities.map((i) => new CoordinatorClient(i));
    const schedule = await h.admin.createSchedule(federationId, {
      cron: `${m1},${m2} * * * *`,
      timeZone: 'UTC',
      windowMinutes: 1,
      rounds: 3,
      onQuorumMissed: 'retry',
    });
    expect(schedule).toMatchObject({
      status: 'active',
      minParticipants: 2,
      deadlineSeconds: 30,
      maxDurationSeconds: 60,
      currentWindow: null,
      nextWindowStart: T,
    });

    // Before the window: nothing opens.
    await ticks(5);
    expect(await rounds()).toEqual([]);

    // Inside the window: round 1 opens, publishes when both members sent updates, and round 2 follows in the same window.
    clock.setTo(T + 1000);
    const r1 = await openRound(1);
    expect(r1.scheduleId).toBe(schedule.id);
    for (const m of members) await upload(m, r1);
    expect((await settled(1)).state).toBe('published');
    const r2 = await openRound(2);

    // The coordinator goes away mid-round and comes back on the same database.
    await h.stop();
    h = await startHarness('schedule', { tickMs: 50, clock, databaseUrl: h.databaseUrl });
    for (const m of members) m.close();
    members = identities.map((i) => new CoordinatorClient({ ...i, coordinator: h.grpcAddress }));
    await ticks(5);
    const afterRestart = await rounds();
    expect(afterRestart.map((r) => [r.number, r.id, r.state])).toEqual([
      [1, r1.id, 'published'],
      [2, r2.id, 'collecting'],
    ]);
    for (const m of members) await upload(m, r2);
    expect((await settled(2)).state).toBe('published');

    // Round 3 gets one update; at its deadline it fails on quorum, and the schedule waits for the next window.
    const r3 = await openRound(3);
    await upload(members[0], r3);
    clock.setTo(clock.now() + 31_000);
    const failed = await settled(3);
    expect(failed).toMatchObject({ state: 'failed', failureCode: 'QUORUM_MISSED' });
    await ticks(5);
    expect((await rounds()).length).toBe(3);
    expect((await h.admin.schedule(schedule.id)).status).toBe('active');

    // Next window: the retry opens as round 4 (schedule seq 4) and the third published round completes the schedule.
    clock.setTo(T + 120_000 + 1000);
    const r4 = await openRound(4);
    for (const m of members) await upload(m, r4);
    expect((await settled(4)).state).toBe('published');
    const done = await until('schedule to complete', async () => {
      const s = await h.admin.schedule(schedule.id);
      return s.status === 'completed' ? s : null;
    });
    expect(done).toMatchObject({ roundsPublished: 3, roundsFailed: 1 });
    await ticks(5);
    expect((await rounds()).map((r) => r.number)).toEqual([1, 2, 3, 4]);

    // Every transition is in the audit log, the schedule's own included.
    const actions = (await h.admin.audit({ federationId })).map((e) => e.action);
    expect(actions.filter((a) => a === 'round.open')).toHaveLength(4);
    expect(actions).toEqual(expect.arrayContaining(['schedule.created', 'schedule.completed', 'round.failed']));
  });

  it('pause freezes the running round at once and resume moves its deadline; cancel ends it; agents hear each', async () => {
    const inbox = new TaskInbox(members[1]);
    const s = await h.admin.createSchedule(federationId, { cron: '* * * * *', windowMinutes: 60, rounds: 5 });
    const r = await openRound(5);
    const paused = await h.admin.controlSchedule(s.id, 'pause');
    expect(paused.status).toBe('paused');
    expect((await h.admin.round(r.id)).pausedAt).not.toBeNull();
    // Time passes beyond the deadline while paused: the round neither fails nor moves, and updates are still kept.
    clock.setTo(clock.now() + 40_000);
    await upload(members[0], r);
    await ticks(5);
    const frozen = await h.admin.round(r.id);
    expect(frozen.state).toBe('collecting');
    expect(frozen.contributors).toHaveLength(1);
    // A paused schedule cannot be paused twice.
    await expect(h.admin.controlSchedule(s.id, 'pause')).rejects.toMatchObject({
      status: 409,
      reason: 'SCHEDULE_STATE',
    });

    await h.admin.controlSchedule(s.id, 'resume');
    const resumed = await h.admin.round(r.id);
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.deadlineAt).toBeGreaterThanOrEqual(r.deadlineAt + 40_000);

    const cancelled = await h.admin.controlSchedule(s.id, 'cancel');
    expect(cancelled.status).toBe('cancelled');
    expect(await h.admin.round(r.id)).toMatchObject({ state: 'failed', failureCode: 'CANCELLED' });
    await ticks(5);
    expect((await rounds()).length).toBe(5);
    expect(inbox.notices.map((n) => [n.kind, n.roundId])).toEqual([
      ['KIND_PAUSED', r.id],
      ['KIND_RESUMED', r.id],
      ['KIND_ROUND_CANCELLED', r.id],
    ]);
    inbox.close();
  });

  it('refuses a schedule with every problem listed', async () => {
    const err = await h.admin
      .createSchedule(federationId, { cron: '61 * * * *', timeZone: 'Mars/Olympus', windowMinutes: 0, rounds: 1 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, reason: 'INVALID_SCHEDULE' });
    const problems = (err as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('timeZone');
    expect(problems).toContain('windowMinutes');
    expect(problems).toContain('cron: not a valid cron expression');
  });

  it('expires API tokens on the injected clock', async () => {
    const t = await h.admin.createToken('one-minute viewer', ['viewer'], 60);
    const viewer = h.admin.withToken(t.token);
    await expect(viewer.federations()).resolves.toBeDefined();
    clock.setTo(clock.now() + 61_000);
    await expect(viewer.federations()).rejects.toMatchObject({ status: 401, reason: 'TOKEN_EXPIRED' });
  });
});
