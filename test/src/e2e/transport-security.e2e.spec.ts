import { AdminClient } from '@syndicate/coordinator';
import {
  CoordinatorCallError,
  CoordinatorClient,
  enroll,
  newKeyMaterial,
  type AgentTransport,
} from '@syndicate/participant';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { testPki } from '../support/test-pki';

/** The refusal reason of a download, or 'OK': any signed call shows whether the connection may speak for the member. */
const downloadOutcome = (client: CoordinatorClient) =>
  client.downloadModel('latest').then(
    () => 'OK',
    (err: unknown) => (err instanceof CoordinatorCallError ? err.reason : String(err)),
  );

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

  it("binds a member to the certificate it enrolled with: another bank's certificate cannot speak for it", async () => {
    const pki = await testPki();
    const { client, identity } = await enrolledClient(h, federationId, 'bound');
    // Positive control: its own certificate works.
    expect(await downloadOutcome(client)).toBe('OK');
    client.close();
    // The same member's signed messages over another bank's (valid, same-CA) certificate are refused.
    const other = new CoordinatorClient({
      ...identity,
      transport: { caFile: pki.caCert, certFile: pki.otherAgentCert, keyFile: pki.otherAgentKey },
    });
    expect(await downloadOutcome(other)).toBe('CLIENT_CERTIFICATE_MISMATCH');
    other.close();
    const refusal = (await h.admin.audit({ federationId })).find(
      (e) => e.action === 'message.rejected' && e.actor === identity.participantId,
    );
    expect(JSON.parse(refusal!.detail)).toMatchObject({ reason: 'CLIENT_CERTIFICATE_MISMATCH' });
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
