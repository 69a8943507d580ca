import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCoordinatorConfig, makeDevPki, startCoordinator, writeDevPki } from '@syndicate/coordinator';
import type { RunningCoordinator } from '@syndicate/coordinator';
import pino from 'pino';
import { agentCli, runCli } from '../support/cli-run';
import { ConnectProxy } from '../support/connect-proxy';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { testPki } from '../support/test-pki';

const plan = {
  name: 'operability',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
};

/** No proxy from the environment the tests run in: each case sets exactly what it means. */
const NO_PROXY_ENV = { grpc_proxy: '', https_proxy: '', http_proxy: '', no_proxy: '', no_grpc_proxy: '' };

/** What a bank's operator sees when TLS or the network is wrong, and that a proxy is honoured. */
describe(`agent operability over real TLS (${testDatabaseKind()})`, () => {
  let h: Harness;
  let other: { dir: string; caCert: string; coordinator: RunningCoordinator };
  let federationId: string;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-ops-'));
    h = await startHarness('ops', { mutualTls: true });
    federationId = (await h.admin.createFederation(plan)).id;
    // A second coordinator whose certificate names only coordinator.test, from another CA.
    const files = writeDevPki(path.join(dir, 'other-pki'), await makeDevPki({ hosts: ['coordinator.test'], days: 2 }));
    const config = loadCoordinatorConfig(
      {
        // Its own SQLite file: on PostgreSQL a fresh test database would drop the harness's schema under it.
        databaseUrl: `sqlite:${path.join(dir, 'other-coordinator.sqlite')}`,
        grpcPort: 0,
        httpPort: 0,
        logLevel: 'silent',
        tlsCert: files.coordinatorCert,
        tlsKey: files.coordinatorKey,
      },
      {},
    );
    other = {
      dir: path.join(dir, 'other-pki'),
      caCert: files.caCert,
      coordinator: await startCoordinator(config, { logger: pino({ level: 'silent' }) }),
    };
  });
  afterAll(async () => {
    await other?.coordinator.close();
    await h?.stop();
  });

  const enroll = async (coordinator: string, tls: string[], env: NodeJS.ProcessEnv = {}) => {
    const inv = await h.admin.invite(federationId, `bank-${Math.random().toString(36).slice(2, 8)}`);
    const stateDir = fs.mkdtempSync(path.join(dir, 'state-'));
    return runCli(
      ['enroll', '--coordinator', coordinator, '--token', inv.token, '--state-dir', stateDir, ...tls],
      { ...NO_PROXY_ENV, ...env },
      { main: agentCli },
    );
  };

  it('maps each TLS failure to exit 7 with a hint that says what to change', async () => {
    const pki = await testPki();
    const client = ['--cert', pki.agentCert, '--key', pki.agentKey];

    const wrongCa = await enroll(h.grpcAddress, ['--ca', other.caCert, ...client]);
    expect({ code: wrongCa.code, kind: /TLS failure \((\S+)\)/.exec(wrongCa.stderr)?.[1] }).toEqual({
      code: 7,
      kind: 'untrusted-server',
    });
    expect(wrongCa.stderr).toMatch(/hint: .*--ca/);

    const noClientCert = await enroll(h.grpcAddress, ['--ca', pki.caCert]);
    expect({ code: noClientCert.code, kind: /TLS failure \((\S+)\)/.exec(noClientCert.stderr)?.[1] }).toEqual({
      code: 7,
      kind: 'client-certificate',
    });
    expect(noClientCert.stderr).toMatch(/hint: .*--cert and --key/);
    expect(noClientCert.stderr).not.toContain('Resolution note');

    const nameMismatch = await enroll(`localhost:${other.coordinator.grpcPort}`, ['--ca', other.caCert]);
    expect({ code: nameMismatch.code, kind: /TLS failure \((\S+)\)/.exec(nameMismatch.stderr)?.[1] }).toEqual({
      code: 7,
      kind: 'name-mismatch',
    });
    expect(nameMismatch.stderr).toMatch(/hint: .*subject alternative names/);
  });

  it('enrolls through an HTTP CONNECT proxy named by https_proxy or grpc_proxy', async () => {
    const pki = await testPki();
    const tls = ['--ca', pki.caCert, '--cert', pki.agentCert, '--key', pki.agentKey];
    for (const variable of ['https_proxy', 'grpc_proxy']) {
      const proxy = await ConnectProxy.start();
      try {
        const r = await enroll(h.grpcAddress, tls, { [variable]: proxy.url });
        expect({ variable, code: r.code, stderr: r.stderr }).toEqual({ variable, code: 0, stderr: '' });
        expect(proxy.tunnels).toContain(h.grpcAddress);
      } finally {
        await proxy.close();
      }
    }
    // A proxy that is not there is an unreachable coordinator (7), said so.
    const closed = await ConnectProxy.start();
    const url = closed.url;
    await closed.close();
    const r = await enroll(h.grpcAddress, tls, { https_proxy: url });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/https_proxy/);
  });
});
