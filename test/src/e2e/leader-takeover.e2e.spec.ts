import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { AdminClient, initDatabase } from '@syndicate/coordinator';
import { encodeFloat32, type TrainingPlanInput } from '@syndicate/protocol';
import { waitFor } from '../support/agent-process';
import { freshDatabaseUrl, testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { testPki } from '../support/test-pki';

const cli = require.resolve('@syndicate/coordinator/dist/cli/main.js');

const plan: TrainingPlanInput = {
  name: 'takeover',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, deadlineSeconds: 120 },
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true))).on('error', () => resolve(false));
  });

/** Two coordinator processes on one PostgreSQL: one leads, the other stands by and takes over when it is killed. */
(testDatabaseKind() === 'postgres' ? describe : describe.skip)('two coordinators, one PostgreSQL (postgres)', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => procs.forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

  it('exactly one replica serves agents and drives rounds; after a SIGKILL the other finishes the round with every accepted update', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-takeover-'));
    const pki = await testPki();
    const databaseUrl = await freshDatabaseUrl('takeover');
    const { token } = await initDatabase(databaseUrl, { roles: ['admin', 'data-scientist', 'auditor'] });
    const ports = { grpcA: await freePort(), httpA: await freePort(), grpcB: await freePort(), httpB: await freePort() };
    const start = (name: string, grpc: number, http: number) => {
      const p = spawn(
        process.execPath,
        [cli, 'serve', '--database', databaseUrl, '--grpc-port', String(grpc), '--http-port', String(http), '--tick-ms', '100', '--log-level', 'info', '--tls-cert', pki.coordinatorCert, '--tls-key', pki.coordinatorKey],
        { stdio: ['ignore', fs.openSync(path.join(dir, `${name}.log`), 'w'), fs.openSync(path.join(dir, `${name}.log`), 'a')] },
      );
      procs.push(p);
      return p;
    };
    const ca = fs.readFileSync(pki.caCert);
    const adminA = new AdminClient(`https://localhost:${ports.httpA}`, { token: token!.token, ca });
    const adminB = new AdminClient(`https://localhost:${ports.httpB}`, { token: token!.token, ca });
    const ready = async (c: AdminClient) => (await c.raw('GET', '/readyz').catch(() => ({ status: 0, text: '' })));

    const a = start('a', ports.grpcA, ports.httpA);
    await waitFor('replica A to lead', async () => (await ready(adminA)).status === 200, 60_000);
    start('b', ports.grpcB, ports.httpB);
    const standby = await waitFor('replica B to stand by', async () => {
      const r = await ready(adminB);
      return r.status === 503 && r.text;
    }, 60_000);
    expect(JSON.parse(standby).reason).toBe('STANDBY');
    expect(await listening(ports.grpcB)).toBe(false);

    // Agents know both addresses and use whichever serves.
    const target = { admin: adminA, grpcAddress: `ipv4:127.0.0.1:${ports.grpcA},127.0.0.1:${ports.grpcB}`, transport: { caFile: pki.caCert } };
    const f = await adminA.createFederation(plan);
    const m1 = await enrolledClient(target, f.id, 'alpine');
    const m2 = await enrolledClient(target, f.id, 'baltic');
    const round = await adminA.openRound(f.id);
    await waitFor('round collecting', async () => (await adminA.round(round.id)).state === 'collecting');
    const upload = (m: typeof m1) =>
      m.client.uploadUpdate({ roundId: round.id, baseModelVersionId: round.baseModelVersionId, encoding: 'PAYLOAD_ENCODING_FLOAT32_LE', numParams: f.numParams, numSamples: 10, payload: encodeFloat32(new Float32Array(f.numParams).fill(1)) });
    await upload(m1);

    a.kill('SIGKILL');
    await waitFor('replica B to take over', async () => (await ready(adminB)).status === 200, 60_000);
    expect(await listening(ports.grpcB)).toBe(true);
    // The second member reaches B through the same channel, retrying while it fails over.
    await waitFor('second update accepted', async () => upload(m2).then(() => true, () => false), 60_000);

    const done = await waitFor('round published by B', async () => {
      const r = await adminB.round(round.id);
      return r.state === 'published' && r;
    }, 60_000);
    // The update A accepted before it died is in the published round, exactly once.
    expect(done.contributors.map((c) => c.participantId).sort()).toEqual([m1.identity.participantId, m2.identity.participantId].sort());
    expect((await adminB.verifyAudit()).ok).toBe(true);
    m1.client.close();
    m2.client.close();
  });
});
