import { AdminApiError, ApiTokensService } from '@syndicate/coordinator';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { runCli } from '../support/cli-run';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { testPki } from '../support/test-pki';

const plan = (name: string, mode: 'plaintext' | 'secure', minParticipants?: number): TrainingPlanInput => ({
  name,
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { ...(minParticipants === undefined ? {} : { minParticipants }), deadlineSeconds: 600 },
  aggregation: { mode },
});
const schedule = (minParticipants: number) => ({
  cron: '0 1 * * *',
  timeZone: 'Europe/Zurich',
  windowMinutes: 240,
  rounds: 5,
  minParticipants,
});

/** The refusal an admin call earned, or 'accepted'. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: unknown) => {
      if (err instanceof AdminApiError) return { status: err.status, reason: err.reason, message: err.message };
      throw err;
    },
  );

/**
 * A secure federation never runs with fewer than 3 contributors: with 1 the "sum" is one bank's update,
 * with 2 each bank reads the other's by subtraction. Every place a quorum is set refuses less, by name,
 * and says how to fix it; plaintext federations keep their rules.
 */
describe(`quorum of a secure federation (${testDatabaseKind()})`, () => {
  let h: Harness;
  let cliEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await startHarness('quorum');
    const issued = await h.coordinator.app
      .get(ApiTokensService)
      .create({ name: 'cli-admin', roles: ['admin'] }, 'test');
    cliEnv = {
      SYNDICATE_URL: h.baseUrl,
      SYNDICATE_CA: (await testPki()).caCert,
      SYNDICATE_TOKEN: issued.token,
      SYNDICATE_TOKEN_FILE: '',
    };
  });
  afterAll(async () => h?.stop());

  it('federation create refuses a secure plan with quorum 2 (QUORUM_TOO_SMALL) and accepts 3; plaintext keeps 1', async () => {
    const refused = await outcome(h.admin.createFederation(plan('q-two', 'secure', 2)));
    expect(refused).toMatchObject({ status: 400, reason: 'QUORUM_TOO_SMALL' });
    expect((refused as { message: string }).message).toMatch(
      /rounds\.minParticipants is 2, but a secure federation needs a quorum of at least 3.*Set rounds\.minParticipants to 3 or more/,
    );
    expect((await h.admin.federations()).map((f) => f.name)).not.toContain('q-two');
    // Positive controls: 3 in a secure plan, the default (3), and 1 in a plaintext plan.
    expect((await h.admin.createFederation(plan('q-three', 'secure', 3))).plan.rounds.minParticipants).toBe(3);
    expect((await h.admin.createFederation(plan('q-default', 'secure'))).plan.rounds.minParticipants).toBe(3);
    expect((await h.admin.createFederation(plan('q-plain', 'plaintext', 1))).plan.rounds.minParticipants).toBe(1);
  });

  it('round open (REST and `syndicate round open --quorum`) refuses 2 in a secure federation and accepts 3', async () => {
    const f = (await h.admin.federations()).find((x) => x.name === 'q-three')!;
    const refused = await outcome(h.admin.openRound(f.id, { minParticipants: 2 }));
    expect(refused).toMatchObject({ status: 400, reason: 'QUORUM_TOO_SMALL' });
    expect((refused as { message: string }).message).toMatch(/minParticipants \(--quorum\) is 2.*at least 3/);
    expect(await h.admin.rounds(f.id)).toEqual([]);

    const cli = await runCli(['round', 'open', '--federation', f.id, '--quorum', '2'], cliEnv);
    expect(cli.code).toBe(2); // usage: the value given is wrong
    expect(cli.stderr).toContain('QUORUM_TOO_SMALL');
    expect(cli.stderr).toMatch(
      /minParticipants \(--quorum\) is 2, but a secure federation needs a quorum of at least 3/,
    );
    expect(cli.stderr).toContain('to 3 or more');
    expect(await h.admin.rounds(f.id)).toEqual([]);

    // Positive control: quorum 3 opens (no bank is enrolled, so it waits; cancelled to leave the federation free).
    const opened = await runCli(['round', 'open', '--federation', f.id, '--quorum', '3', '--json'], cliEnv);
    expect(opened.code).toBe(0);
    const round = JSON.parse(opened.stdout) as { id: string; minParticipants: number };
    expect(round.minParticipants).toBe(3);
    await h.admin.cancelRound(round.id);

    // A plaintext federation keeps quorum 1.
    const plain = (await h.admin.federations()).find((x) => x.name === 'q-plain')!;
    expect((await h.admin.openRound(plain.id, { minParticipants: 1 })).minParticipants).toBe(1);
  });

  it('schedule create refuses 2 in a secure federation and accepts 3', async () => {
    const f = (await h.admin.federations()).find((x) => x.name === 'q-default')!;
    expect(await outcome(h.admin.createSchedule(f.id, schedule(2)))).toMatchObject({
      status: 400,
      reason: 'QUORUM_TOO_SMALL',
    });
    expect(await h.admin.schedules(f.id)).toEqual([]);
    const cli = await runCli(
      [
        'round',
        'schedule',
        '--federation',
        f.id,
        '--cron',
        '0 1 * * *',
        '--window',
        '4h',
        '--rounds',
        '5',
        '--quorum',
        '1',
      ],
      cliEnv,
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('QUORUM_TOO_SMALL');
    expect(await h.admin.schedules(f.id)).toEqual([]);
    expect((await h.admin.createSchedule(f.id, schedule(3))).minParticipants).toBe(3);
  });

  it('audits every refusal with the action tried, the field, the value and the minimum', async () => {
    const refusals = (await h.admin.audit())
      .filter((e) => e.action === 'quorum.rejected')
      .map((e) => JSON.parse(e.detail) as Record<string, unknown>);
    expect(refusals).toEqual([
      {
        reason: 'QUORUM_TOO_SMALL',
        attempted: 'federation.create',
        field: 'rounds.minParticipants',
        value: 2,
        minimum: 3,
      },
      {
        reason: 'QUORUM_TOO_SMALL',
        attempted: 'round.open',
        field: 'minParticipants (--quorum)',
        value: 2,
        minimum: 3,
      },
      {
        reason: 'QUORUM_TOO_SMALL',
        attempted: 'round.open',
        field: 'minParticipants (--quorum)',
        value: 2,
        minimum: 3,
      },
      {
        reason: 'QUORUM_TOO_SMALL',
        attempted: 'schedule.create',
        field: 'minParticipants (--quorum)',
        value: 2,
        minimum: 3,
      },
      {
        reason: 'QUORUM_TOO_SMALL',
        attempted: 'schedule.create',
        field: 'minParticipants (--quorum)',
        value: 1,
        minimum: 3,
      },
    ]);
  });
});
