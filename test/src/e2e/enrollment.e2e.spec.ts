import { execFile, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv } from '@syndicate/examples';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, startAgentProcess, transportArgs, waitFor } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { ShiftedClock } from '../support/shifted-clock';

const agentMain = require.resolve('@syndicate/participant/dist/cli/main.js');
const base: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

/** `syndicate-agent enroll` as a bank runs it: only the coordinator address and the token. */
function agentEnroll(
  h: Harness,
  token: string,
  stateDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = execFile(
      process.execPath,
      [
        agentMain,
        'enroll',
        '--coordinator',
        h.grpcAddress,
        '--token',
        token,
        '--state-dir',
        stateDir,
        ...transportArgs(h.transport),
      ],
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

describe(`enrollment tokens and revocation with real agent processes (${testDatabaseKind()})`, () => {
  const clock = new ShiftedClock();
  let h: Harness;
  let dir: string;
  const agents: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-enroll-'));
    h = await startHarness('enrollment', { clock });
  });

  it('a token enrolls once; a reused, unknown or expired token is refused with a clear message and audited', async () => {
    const f = await h.admin.createFederation({ ...base, name: 'enrollment-tokens' });
    const inv = await h.admin.invite(f.id, 'Alpine Bank');

    const first = await agentEnroll(h, inv.token, path.join(dir, 'alpine'));
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`enrolled as prt_\\w+ in ${f.id}`));
    const identity = JSON.parse(fs.readFileSync(path.join(dir, 'alpine', 'identity.json'), 'utf8')) as {
      federationId: string;
    };
    expect(identity.federationId).toBe(f.id);

    const reused = await agentEnroll(h, inv.token, path.join(dir, 'mallory'));
    expect(reused.code).toBe(3);
    expect(reused.stderr).toContain('ENROLLMENT_TOKEN_USED');
    expect(reused.stderr).toContain('each token enrolls one agent once');
    expect(fs.existsSync(path.join(dir, 'mallory', 'identity.json'))).toBe(false);

    const unknown = await agentEnroll(h, 'syn_enr_made-up-token', path.join(dir, 'nobody'));
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('UNKNOWN_ENROLLMENT_TOKEN');

    const late = await h.admin.invite(f.id, 'Baltic Bank', 3600);
    clock.advance(3601_000);
    const expired = await agentEnroll(h, late.token, path.join(dir, 'baltic'));
    clock.advance(-3601_000);
    expect(expired.code).toBe(3);
    expect(expired.stderr).toContain('ENROLLMENT_TOKEN_EXPIRED');
    expect(expired.stderr).toContain('ask for a new invitation');

    expect((await h.admin.participants(f.id)).map((p) => p.displayName)).toEqual(['Alpine Bank']);
    const refusals = (await h.admin.audit())
      .filter((e) => e.action === 'enrollment.rejected')
      .map((e) => (JSON.parse(e.detail) as { reason: string }).reason);
    expect(refusals).toEqual(['ENROLLMENT_TOKEN_USED', 'UNKNOWN_ENROLLMENT_TOKEN', 'ENROLLMENT_TOKEN_EXPIRED']);
  });

  it('revoking a bank cuts its running agent off and the next round deals a key epoch without it', async () => {
    const { banks } = generateConsortium({ seed: 9, scale: 0.05 });
    const plan = {
      ...base,
      name: 'enrollment-revoke',
      rounds: { ...base.rounds, minParticipants: 3, deadlineSeconds: 90 },
      aggregation: { mode: 'secure', secure: { clip: 4, releasePolicy: 'publish' } },
    };
    const f = await h.admin.createFederation(plan);
    const running: Awaited<ReturnType<typeof startAgentProcess>>[] = [];
    // Four banks, so three remain after the revocation: no key epoch is ever dealt to fewer than three members.
    for (const b of banks.slice(0, 4)) {
      const file = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(file, toCsv(b.rows));
      running.push(await startAgentProcess(h, f.id, b.name, file, dir));
    }
    agents.push(...running);
    await waitFor(
      '4 agents connected',
      async () => (await h.admin.participants(f.id)).filter((p) => p.connected).length === 4,
    );
    await pinAgents(running);
    const published = (roundId: string) =>
      waitFor(`round ${roundId} published`, async () => {
        const r = await h.admin.round(roundId);
        if (r.state === 'failed') throw new Error(`round failed: ${r.failureReason}`);
        return r.state === 'published' && r;
      });
    const r1 = await published((await h.admin.openRound(f.id)).id);
    expect(r1.contributors).toHaveLength(4);

    const victim = (await h.admin.participants(f.id)).find((p) => p.displayName === banks[3].name)!;
    await h.admin.revoke(f.id, victim.id);
    // The agent hears PARTICIPANT_REVOKED when it reconnects and stops for good.
    const exitCode = await new Promise<number | null>((resolve) => {
      const proc = running[3].proc;
      if (proc.exitCode !== null) resolve(proc.exitCode);
      else proc.once('exit', (code) => resolve(code));
    });
    expect(exitCode).not.toBe(0);
    expect(fs.readFileSync(running[3].logFile, 'utf8')).toContain('PARTICIPANT_REVOKED');

    const r2 = await published((await h.admin.openRound(f.id)).id);
    expect(r2.keyEpoch).toBe(r1.keyEpoch + 1);
    expect(r2.contributors.map((c) => c.participantId)).not.toContain(victim.id);
    expect(r2.contributors).toHaveLength(3);
    const epochs = (await h.admin.audit({ federationId: f.id }))
      .filter((e) => e.action === 'key_epoch.started')
      .map((e) => JSON.parse(e.detail) as { members: string[] });
    expect(epochs.at(-1)!.members).not.toContain(victim.id);
    const revocation = (await h.admin.audit({ federationId: f.id })).find((e) => e.action === 'participant.revoked')!;
    expect(revocation.actor).toMatch(/^tok_/);
  });
});
