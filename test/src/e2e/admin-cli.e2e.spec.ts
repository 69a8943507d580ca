import { execFile, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { waitFor } from '../support/agent-process';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');
const planFile = path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function syndicate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child: ChildProcess = execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, ...env } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

const json = <T>(r: Run): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** The admin's day through the `syndicate` CLI against a real `syndicate serve` process. */
describe(`syndicate CLI over the admin API (${testDatabaseKind()})`, () => {
  let dir: string;
  let serve: ChildProcess;
  let env: NodeJS.ProcessEnv;
  let databaseUrl: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-cli-'));
    databaseUrl = await freshDatabaseUrl('cli');
    const tokenFile = path.join(dir, 'admin.token');
    const init = await syndicate(['init', '--database', databaseUrl, '--write-token', tokenFile]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('shown only now');
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const ready = path.join(dir, 'ready.json');
    const certs = path.join(dir, 'certs');
    const made = await syndicate(['certs', 'init', '--out', certs, '--hosts', 'localhost,127.0.0.1']);
    expect(made.code).toBe(0);
    expect(fs.statSync(path.join(certs, 'coordinator.key')).mode & 0o777).toBe(0o600);
    // Without TLS material or --insecure, serve refuses to start and says how to fix it.
    const refused = await syndicate(['serve', '--database', databaseUrl, '--grpc-port', '0', '--http-port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('syndicate certs init');
    serve = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--database',
        databaseUrl,
        '--grpc-port',
        '0',
        '--http-port',
        '0',
        '--log-level',
        'warn',
        '--ready-file',
        ready,
        '--tls-cert',
        path.join(certs, 'coordinator.pem'),
        '--tls-key',
        path.join(certs, 'coordinator.key'),
      ],
      { stdio: 'ignore' },
    );
    await waitFor('coordinator ready', async () => fs.existsSync(ready), 60_000);
    const { httpPort } = JSON.parse(fs.readFileSync(ready, 'utf8')) as { httpPort: number };
    env = {
      SYNDICATE_URL: `https://localhost:${httpPort}`,
      SYNDICATE_CA: path.join(certs, 'ca.pem'),
      SYNDICATE_TOKEN_FILE: tokenFile,
      SYNDICATE_TOKEN: '',
    };
  });

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
  });

  it('init is idempotent: a second run issues no new token', async () => {
    const again = json<{ token: unknown; existingTokens: number }>(
      await syndicate(['init', '--database', databaseUrl, '--json']),
    );
    expect(again.token).toBeNull();
    expect(again.existingTokens).toBe(1);
  });

  it('creates a federation, invites a bank, schedules rounds and reports status, with JSON for scripts', async () => {
    const f = json<{ id: string; name: string }>(
      await syndicate(['federation', 'create', '--plan', planFile, '--json'], env),
    );
    expect(f.id).toMatch(/^fed_/);
    expect(json<{ id: string }[]>(await syndicate(['federation', 'list', '--json'], env)).map((x) => x.id)).toContain(
      f.id,
    );

    const inv = json<{ token: string; expiresAt: number }>(
      await syndicate(
        ['participant', 'invite', '--federation', f.id, '--name', 'Alpine Bank', '--expires-in', '2h', '--json'],
        env,
      ),
    );
    expect(inv.token).toMatch(/^syn_enr_/);
    expect(inv.expiresAt - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(inv.expiresAt - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    const s = json<{ id: string; status: string; windowMinutes: number; timeZone: string }>(
      await syndicate(
        [
          'round',
          'schedule',
          '--federation',
          f.id,
          '--cron',
          '0 1 * * *',
          '--tz',
          'Europe/Zurich',
          '--window',
          '4h',
          '--rounds',
          '10',
          '--quorum',
          '1',
          '--deadline',
          '30m',
          '--json',
        ],
        env,
      ),
    );
    expect(s).toMatchObject({ status: 'active', windowMinutes: 240, timeZone: 'Europe/Zurich' });
    const status = json<{ schedule: { id: string }; members: { active: number } }>(
      await syndicate(['status', '--federation', f.id, '--json'], env),
    );
    expect(status.schedule.id).toBe(s.id);
    expect(status.members.active).toBe(0);

    const paused = json<{ status: string }>(await syndicate(['round', 'pause', '--federation', f.id, '--json'], env));
    expect(paused.status).toBe('paused');
    const human = await syndicate(['status', '--federation', f.id], env);
    expect(human.stdout).toContain(`schedule ${s.id}: paused`);

    // A second schedule while one is live is a conflict: exit 6, and the message says what to do.
    const second = await syndicate(
      ['round', 'schedule', '--federation', f.id, '--cron', '0 2 * * *', '--window', '1h', '--rounds', '1'],
      env,
    );
    expect(second.code).toBe(6);
    expect(second.stderr).toContain('cancel it first');
  });

  it('a viewer token reads status but cannot change anything (exit 3); bad input exits 2; unknown ids exit 5', async () => {
    const viewer = json<{ token: string }>(
      await syndicate(['token', 'create', '--name', 'ops dashboard', '--roles', 'viewer', '--json'], env),
    );
    const viewerEnv = { ...env, SYNDICATE_TOKEN_FILE: '', SYNDICATE_TOKEN: viewer.token };
    expect((await syndicate(['status', '--json'], viewerEnv)).code).toBe(0);
    const refused = await syndicate(['federation', 'create', '--plan', planFile], viewerEnv);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('needs one of the roles admin');
    expect(refused.stderr).toContain('hint: ask an admin');

    expect((await syndicate(['token', 'create', '--name', 'x', '--roles', 'superuser'], env)).code).toBe(2);
    const badPlan = path.join(dir, 'bad-plan.json');
    fs.writeFileSync(badPlan, JSON.stringify({ name: 'bad', model: { template: 'mlp', hiddenUnits: [] } }));
    const invalid = await syndicate(['federation', 'create', '--plan', badPlan], env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('model.hiddenUnits');
    expect((await syndicate(['round', 'show', 'rnd_nope'], env)).code).toBe(5);
    expect((await syndicate(['status'], { ...env, SYNDICATE_TOKEN_FILE: '' })).code).toBe(3);
    expect((await syndicate(['status'], { ...env, SYNDICATE_URL: 'https://127.0.0.1:1' })).code).toBe(7);
    // A coordinator whose certificate the CLI cannot verify is not talked to.
    const untrusted = await syndicate(['status'], { ...env, SYNDICATE_CA: '' });
    expect(untrusted.code).toBe(7);
    expect(untrusted.stderr).toMatch(/certificate/i);
    expect(untrusted.stderr).toContain('pass --ca');
  });

  it('lists and revokes tokens; every admin action is in a verifiable audit log', async () => {
    const tokens = json<{ id: string; name: string; revokedAt: number | null }[]>(
      await syndicate(['token', 'list', '--json'], env),
    );
    const viewer = tokens.find((t) => t.name === 'ops dashboard')!;
    expect(
      json<{ revokedAt: number }>(await syndicate(['token', 'revoke', viewer.id, '--json'], env)).revokedAt,
    ).toBeGreaterThan(0);
    const verify = await syndicate(['audit', 'verify', '--database', databaseUrl, '--json']);
    expect(json<{ ok: boolean }>(verify).ok).toBe(true);
    const out = path.join(dir, 'audit.jsonl');
    expect((await syndicate(['audit', 'export', '--database', databaseUrl, '--out', out])).code).toBe(0);
    const actions = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'token.created',
        'federation.created',
        'participant.invited',
        'schedule.created',
        'schedule.paused',
        'access.denied',
        'token.revoked',
      ]),
    );
  });
});
