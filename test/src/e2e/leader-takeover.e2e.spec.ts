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

/** Two coordinator processes on one PostgreSQL: both serve agents and admins, one drives rounds, the other takes over when it is killed. */
(testDatabaseKind() === 'postgres' ? describe : describe.skip)('two coordinators, one PostgreSQL (postgres)', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => procs.forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

  it('both replicas serve agents at once, exactly one drives rounds; after a SIGKILL the other finishes the round with every accepted update', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-takeover-'));
    const pki = await testPki();
    const databaseUrl = await freshDatabaseUrl('takeover');
    const { token } = await initDatabase(databaseUrl, { roles: ['admin', 'data-scientist', 'auditor'] });
    const ports = {
      grpcA: await freePort(),
      httpA: await freePort(),
      grpcB: await freePort(),
      httpB: await freePort(),
    };
    const start = (name: string, grpc: number, http: number) => {
      const p = spawn(
        process.execPath,
        [
          cli,
          'serve',
          '--database',
          databaseUrl,
          '--grpc-port',
          String(grpc),
          '--http-port',
          String(http),
          '--tick-ms',
          '100',
          '--log-level',
          'info',
          '--tls-cert',
          pki.coordinatorCert,
          '--tls-key',
          pki.coordinatorKey,
        ],
        {
          stdio: [
            'ignore',
            fs.openSync(path.join(dir, `${name}.log`), 'w'),
            fs.openSync(path.join(dir, `${name}.log`), 'a'),
          ],
        },
      );
      procs.push(p);
      return p;
    };
    const ca = fs.readFileSync(pki.caCert);
    const adminA = new AdminClient(`https://localhost:${ports.httpA}`, { token: token!.token, ca });
    const adminB = new AdminClient(`https://localhost:${ports.httpB}`, { token: token!.token, ca });
    const role = async (c: AdminClient) => {
      const r = await c.raw('GET', '/readyz').catch(() => ({ status: 0, text: '' }));
      return r.status === 200 ? (JSON.parse(r.text) as { role: string }).role : '';
    };

    const a = start('a', ports.grpcA, ports.httpA);
    await waitFor('replica A to lead', async () => (await role(adminA)) === 'leader', 60_000);
    start('b', ports.grpcB, ports.httpB);
    await waitFor('replica B to serve as a follower', async () => (await role(adminB)) === 'follower', 60_000);
    expect(await listening(ports.grpcA)).toBe(true);
    expect(await listening(ports.grpcB)).toBe(true);

    // Each member reaches a different replica; the admin works against the follower.
    const f = await adminB.createFederation(plan);
    const m1 = await enrolledClient(
      { admin: adminB, grpcAddress: `localhost:${ports.grpcA}`, transport: { caFile: pki.caCert } },
      f.id,
      'alpine',
    );
    const m2 = await enrolledClient(
      { admin: adminB, grpcAddress: `localhost:${ports.grpcB}`, transport: { caFile: pki.caCert } },
      f.id,
      'baltic',
    );
    const upload = (m: typeof m1, r: { id: string; baseModelVersionId: string }) =>
      m.client.uploadUpdate({
        roundId: r.id,
        baseModelVersionId: r.baseModelVersionId,
        encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
        numParams: f.numParams,
        numSamples: 10,
        payload: encodeFloat32(new Float32Array(f.numParams).fill(1)),
      });
    const members = [m1.identity.participantId, m2.identity.participantId].sort();
    // Each member holds its task stream open on its own replica.
    const streams = [m1, m2].map((m) =>
      m.client
        .subscribe('test')
        .on('error', () => undefined)
        .on('data', () => undefined),
    );
    // Presence is shared: either replica's admin API sees both members online.
    for (const admin of [adminA, adminB])
      await waitFor(
        'both members online on every replica',
        async () => (await admin.participants(f.id)).every((p) => p.connected),
        30_000,
      );

    // Round 1: opened on the follower, moved by the leader, updates through both replicas at once.
    const r1 = await adminB.openRound(f.id);
    await waitFor('round 1 collecting', async () => (await adminB.round(r1.id)).state === 'collecting');
    await Promise.all([upload(m1, r1), upload(m2, r1)]);
    const done1 = await waitFor('round 1 published', async () => {
      const r = await adminB.round(r1.id);
      return r.state === 'published' && r;
    });
    expect(done1.contributors.map((c) => c.participantId).sort()).toEqual(members);

    // Round 2: one update accepted by the leader, which then dies; the follower takes over and finishes.
    const r2 = await adminA.openRound(f.id);
    await waitFor('round 2 collecting', async () => (await adminA.round(r2.id)).state === 'collecting');
    await upload(m1, r2);
    a.kill('SIGKILL');
    await waitFor('replica B to take over', async () => (await role(adminB)) === 'leader', 60_000);
    await upload(m2, r2);
    const done2 = await waitFor(
      'round 2 published by B',
      async () => {
        const r = await adminB.round(r2.id);
        return r.state === 'published' && r;
      },
      60_000,
    );
    // The update A accepted before it died is in the published round, exactly once.
    expect(done2.contributors.map((c) => c.participantId).sort()).toEqual(members);
    expect((await adminB.verifyAudit()).ok).toBe(true);
    streams.forEach((st) => st.cancel());
    m1.client.close();
    m2.client.close();
  });
});
