import { CoordinatorClient, enroll, newKeyMaterial, type AgentIdentity } from '@syndicate/participant';
import type { Task__Output } from '@syndicate/protocol';
import type { Harness } from './coordinator-harness';

/** An enrolled identity and a client, without TensorFlow: for protocol-level tests and benchmarks. */
export async function enrolledClient(
  h: Pick<Harness, 'admin' | 'grpcAddress' | 'transport'>,
  federationId: string,
  name: string,
): Promise<{ identity: AgentIdentity; client: CoordinatorClient }> {
  const invitation = await h.admin.invite(federationId, name);
  const keys = newKeyMaterial();
  const res = await enroll(
    h.grpcAddress,
    {
      federationId,
      token: invitation.token,
      signingPublicKey: keys.signingPublicKey,
      signingSecretKey: keys.signingSecretKey,
      boxPublicKey: keys.boxPublicKey,
    },
    h.transport,
  );
  const identity: AgentIdentity = {
    coordinator: h.grpcAddress,
    transport: h.transport,
    federationId,
    participantId: res.participantId,
    keyEpoch: res.keyEpoch,
    planJson: res.planJson,
    ...keys,
  };
  return { identity, client: new CoordinatorClient(identity) };
}

/** Opens the task stream and resolves with the first task of the given type. */
export function nextTask(
  client: CoordinatorClient,
  type: Task__Output['type'],
  timeoutMs = 30_000,
): { task: Promise<Task__Output>; cancel(): void } {
  const stream = client.subscribe('test');
  const task = new Promise<Task__Output>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} task within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', (msg) => {
      if (msg.task?.type === type) {
        clearTimeout(timer);
        resolve(msg.task);
      }
    });
    stream.on('error', (err) => {
      clearTimeout(timer);
      if ((err as { code?: number }).code !== 1) reject(err);
    });
  });
  return { task, cancel: () => stream.cancel() };
}
