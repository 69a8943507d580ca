import { AdminClient } from '@syndicate/coordinator';
import { CoordinatorCallError, enroll, newKeyMaterial, type AgentTransport } from '@syndicate/participant';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';

const plan: TrainingPlanInput = {
  name: 'mtls',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
};

/** Mutual TLS: only agents holding a certificate from the consortium CA get as far as the protocol. */
describe(`transport security (${testDatabaseKind()})`, () => {
  let h: Harness;
  let federationId: string;
  beforeAll(async () => {
    h = await startHarness('mtls', { mutualTls: true });
    federationId = (await h.admin.createFederation(plan)).id;
  });
  afterAll(() => h?.stop());

  const tryEnroll = async (transport: AgentTransport) => {
    const inv = await h.admin.invite(federationId, `bank-${Math.random().toString(36).slice(2, 8)}`);
    const keys = newKeyMaterial();
    return enroll(
      h.grpcAddress,
      {
        federationId: '',
        token: inv.token,
        signingPublicKey: keys.signingPublicKey,
        signingSecretKey: keys.signingSecretKey,
        boxPublicKey: keys.boxPublicKey,
      },
      transport,
    ).then(
      () => 'OK',
      (err: unknown) => (err instanceof CoordinatorCallError ? `${err.code}` : String(err)),
    );
  };

  it('admits an agent with a client certificate from the CA', async () => {
    const { client } = await enrolledClient(h, federationId, 'alpine');
    client.close();
    expect(await tryEnroll(h.transport)).toBe('OK');
  });

  it('refuses an agent without a client certificate, one that does not trust the server, and plaintext', async () => {
    const UNAVAILABLE = '14';
    expect(await tryEnroll({ caFile: h.transport.caFile })).toBe(UNAVAILABLE);
    expect(await tryEnroll({ certFile: h.transport.certFile, keyFile: h.transport.keyFile })).toBe(UNAVAILABLE);
    expect(await tryEnroll({ insecure: true })).toBe(UNAVAILABLE);
    // None of these reached the protocol: no participant was created.
    expect(
      (await h.admin.participants(federationId)).map((p) => p.displayName).filter((n) => n !== 'alpine'),
    ).toHaveLength(1);
  });

  it('serves REST only over TLS, and clients verify the certificate', async () => {
    const plain = new AdminClient(h.baseUrl.replace('https:', 'http:'));
    await expect(plain.raw('GET', '/healthz')).rejects.toMatchObject({ status: 0 });
    const untrusting = new AdminClient(h.baseUrl);
    await expect(untrusting.raw('GET', '/healthz')).rejects.toMatchObject({
      status: 0,
      reason: expect.stringMatching(/CERT|SELF_SIGNED|VERIFY/),
    });
    expect((await h.anonymous.raw('GET', '/healthz')).status).toBe(200);
  });
});
