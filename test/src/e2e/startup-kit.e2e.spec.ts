import { spawn, type ChildProcess } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv } from '@syndicate/examples';
import { waitFor } from '../support/agent-process';
import { agentCli, coordinatorCli, jsonOf, runCli } from '../support/cli-run';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';

const planFile = path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json');

function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

/** A bank provisioned the way an operator would: a CA that grows, a kit, and an agent started from it alone. */
describe(`provisioning a bank with a startup kit, under mutual TLS (${testDatabaseKind()})`, () => {
  let dir: string;
  let certs: string;
  let serve: ChildProcess;
  let agent: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let grpcPort: number;
  let metricsPort: number;
  let federationId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-kit-'));
    certs = path.join(dir, 'certs');
    const databaseUrl = await freshDatabaseUrl('kit');
    const tokenFile = path.join(dir, 'admin.token');
    expect((await runCli(['init', '--database', databaseUrl, '--write-token', tokenFile])).code).toBe(0);
    expect((await runCli(['certs', 'init', '--out', certs, '--hosts', 'localhost,127.0.0.1'])).code).toBe(0);
    const ready = path.join(dir, 'ready.json');
    serve = spawn(
      process.execPath,
      [
        coordinatorCli,
        'serve',
        '--database',
        databaseUrl,
        '--grpc-port',
        '0',
        '--http-port',
        '0',
        '--metrics-port',
        '0',
        '--log-level',
        'warn',
        '--ready-file',
        ready,
        '--tls-cert',
        path.join(certs, 'coordinator.pem'),
        '--tls-key',
        path.join(certs, 'coordinator.key'),
        '--tls-client-ca',
        path.join(certs, 'ca.pem'),
      ],
      { stdio: 'ignore' },
    );
    await waitFor('coordinator ready', async () => fs.existsSync(ready), 60_000);
    const ports = JSON.parse(fs.readFileSync(ready, 'utf8')) as {
      httpPort: number;
      grpcPort: number;
      metricsPort: number;
    };
    grpcPort = ports.grpcPort;
    metricsPort = ports.metricsPort;
    env = {
      SYNDICATE_URL: `https://127.0.0.1:${ports.httpPort}`,
      SYNDICATE_CA: path.join(certs, 'ca.pem'),
      SYNDICATE_TOKEN_FILE: tokenFile,
      SYNDICATE_TOKEN: '',
    };
    federationId = jsonOf<{ id: string }>(await runCli(['federation', 'create', '--plan', planFile, '--json'], env)).id;
  });

  afterAll(async () => {
    await stop(agent);
    await stop(serve);
  });

  it('certs issue adds a bank to the existing CA and leaves every issued certificate as it was', async () => {
    const before = fs.readFileSync(path.join(certs, 'coordinator.pem'), 'utf8');
    const caBefore = fs.readFileSync(path.join(certs, 'ca.pem'), 'utf8');
    const refused = await runCli(['certs', 'init', '--out', certs, '--agents', 'baltic']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`syndicate certs issue --out ${certs} --agent NAME`);

    const issued = await runCli(['certs', 'issue', '--out', certs, '--agent', 'baltic']);
    expect(issued.code).toBe(0);
    const cert = new X509Certificate(fs.readFileSync(path.join(certs, 'agents', 'baltic.pem')));
    expect(cert.subject).toBe('CN=baltic');
    expect(cert.checkIssued(new X509Certificate(caBefore))).toBe(true);
    expect(cert.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
    expect(fs.statSync(path.join(certs, 'agents', 'baltic.key')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(certs, 'coordinator.pem'), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(certs, 'ca.pem'), 'utf8')).toBe(caBefore);

    const again = await runCli(['certs', 'issue', '--out', certs, '--agent', 'baltic']);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('--force');

    // --keep-existing (init containers) no longer exits 0 having issued nothing.
    const kept = await runCli(['certs', 'init', '--out', certs, '--agents', 'nordic', '--keep-existing']);
    expect(kept.code).toBe(0);
    expect(fs.existsSync(path.join(certs, 'agents', 'nordic.pem'))).toBe(true);
    expect(fs.readFileSync(path.join(certs, 'ca.pem'), 'utf8')).toBe(caBefore);
  });

  it('participant invite prints a complete command (real gRPC address, TLS flags), and invitations lists it', async () => {
    const inv = await runCli(['participant', 'invite', '--federation', federationId, '--name', 'Delta Bank'], env);
    expect(inv.code).toBe(0);
    expect(inv.stdout).not.toContain('<grpc-address>');
    expect(inv.stdout).toMatch(
      new RegExp(
        `syndicate-agent enroll --coordinator 127\\.0\\.0\\.1:${grpcPort} --federation ${federationId} --token syn_enr_\\S+ --ca ca\\.pem --cert Delta-Bank\\.pem --key Delta-Bank\\.key`,
      ),
    );
    const pending = jsonOf<{ displayName: string }[]>(
      await runCli(['participant', 'invitations', '--federation', federationId, '--json'], env),
    );
    expect(pending.map((p) => p.displayName)).toEqual(['Delta Bank']);
  });

  it('a fresh agent process enrolls and runs from the kit with no other flag, and restarts under kubelet file modes', async () => {
    const kit = path.join(dir, 'kit-alpine');
    const csv = path.join(dir, 'alpine.csv');
    fs.writeFileSync(csv, toCsv(generateConsortium({ seed: 3, scale: 0.05 }).banks[0].rows));
    const made = await runCli(
      [
        'participant',
        'kit',
        '--federation',
        federationId,
        '--name',
        'Alpine',
        '--out',
        kit,
        '--certs',
        certs,
        '--data',
        csv,
      ],
      env,
    );
    expect(made.code).toBe(0);
    expect(fs.readdirSync(kit).sort()).toEqual(
      ['RUN.txt', 'agent.yaml', 'ca.pem', 'client.key', 'client.pem', 'run.sh', 'token'].sort(),
    );
    expect(fs.statSync(path.join(kit, 'token')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(kit, 'client.key')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(kit, 'agent.yaml'), 'utf8')).toContain(`coordinator: 127.0.0.1:${grpcPort}`);
    expect(fs.readFileSync(path.join(kit, 'RUN.txt'), 'utf8')).toContain('syndicate-agent run --config agent.yaml');

    // The kit moves to the bank's host: run it from elsewhere, by its own path, with no other setting.
    const moved = path.join(dir, 'bank-host', 'syndicate');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(kit, moved);
    const start = () =>
      spawn(process.execPath, [agentCli, 'run', '--config', path.join(moved, 'agent.yaml')], {
        cwd: os.tmpdir(),
        stdio: 'ignore',
        env: { ...process.env, SYNDICATE_LOG_LEVEL: 'warn' },
      });
    const connected = async () =>
      jsonOf<{ displayName: string; connected: boolean }[]>(
        await runCli(['participant', 'list', '--federation', federationId, '--json'], env),
      ).find((p) => p.displayName === 'Alpine' && p.connected);
    agent = start();
    await waitFor('the kit agent connected', connected, 90_000);
    expect(fs.existsSync(path.join(moved, 'state', 'identity.json'))).toBe(true);

    // A kubelet with fsGroup adds group read/write to every file of the volume at each mount.
    await stop(agent);
    await waitFor('the agent to drop off', async () => !(await connected()), 60_000);
    for (const f of fs.readdirSync(path.join(moved, 'state')))
      fs.chmodSync(path.join(moved, 'state', f), fs.statSync(path.join(moved, 'state', f)).mode | 0o060);
    fs.chmodSync(path.join(moved, 'state'), 0o2770);
    agent = start();
    await waitFor('the agent back after a kubelet remount', connected, 90_000);
  });

  it('status --watch --json streams one JSON object per update during a round; without --federation it still reports', async () => {
    const opened = await runCli(
      ['round', 'open', '--federation', federationId, '--quorum', '2', '--deadline', '10m', '--json'],
      env,
    );
    expect(opened.code).toBe(0);
    const firstLines = (args: string[], n: number) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, [coordinatorCli, 'status', '--watch', '--interval', '1s', ...args], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let text = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const lines = text.split('\n').filter(Boolean);
          if (lines.length >= n) {
            child.kill('SIGTERM');
            resolve(lines.slice(0, n));
          }
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => reject(new Error(`status exited ${code} early: ${err}\n${text}`)));
      });
    const updates = (await firstLines(['--federation', federationId, '--json'], 2)).map(
      (l) =>
        JSON.parse(l) as {
          at: number;
          federation: { id: string };
          members: { connected: number; active: number };
          scheduleProgress: unknown;
          round: { number: number; state: string };
          latestEvaluation: unknown;
        },
    );
    expect(updates[1].at).toBeGreaterThan(updates[0].at);
    for (const u of updates) {
      expect(['open', 'counting', 'collecting']).toContain(u.round.state);
      expect(u).toMatchObject({
        federation: { id: federationId },
        members: { connected: 1, active: 1 },
        scheduleProgress: null,
        round: { number: 1 },
        latestEvaluation: null,
      });
    }
    // Without --federation and without a terminal: one line per federation per update.
    const [stamp, line] = await firstLines([], 2);
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(line).toMatch(
      /1\/1 members online · no schedule · round 1 (open|counting|collecting) [01]\/2 updates · AUC —/,
    );
    const roundId = (JSON.parse(opened.stdout) as { id: string }).id;
    expect((await runCli(['round', 'cancel', '--round', roundId], env)).code).toBe(0);
  });

  it('a kit that cannot be written leaves no directory behind', async () => {
    const out = path.join(dir, 'kit-broken');
    const r = await runCli(
      [
        'participant',
        'kit',
        '--federation',
        federationId,
        '--name',
        'Broken',
        '--out',
        out,
        '--certs',
        path.join(dir, 'no-such-ca'),
        '--ca',
        path.join(certs, 'ca.pem'),
      ],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--client-cert/--client-key');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('serves /metrics on the plain-HTTP metrics port, by Prometheus conventions', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    // Node.js process metrics under their standard names, so stock dashboards match.
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).not.toMatch(/syndicate_process_/);
    // Everything else is Syndicate's own, under one prefix.
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(names.filter((n) => !/^(process_|nodejs_|syndicate_)/.test(n))).toEqual([]);
    // A last-seen figure per member, labelled with its federation; the running kit agent is connected.
    const ids = jsonOf<{ id: string; displayName: string }[]>(
      await runCli(['participant', 'list', '--federation', federationId, '--json'], env),
    );
    const alpine = ids.find((p) => p.displayName === 'Alpine')!.id;
    const seen = new RegExp(
      `^syndicate_participant_last_seen_timestamp_seconds\\{federation="${federationId}",participant="${alpine}"\\} (\\S+)$`,
      'm',
    ).exec(text);
    expect(seen).not.toBeNull();
    expect(Math.abs(Number(seen![1]) - Date.now() / 1000)).toBeLessThan(600);
    expect(text).toContain(`syndicate_participant_connected{federation="${federationId}",participant="${alpine}"} 1`);
    // No bank names on an unauthenticated endpoint.
    expect(text).not.toContain('Alpine');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/federations`)).status).toBe(404);
  });
});
