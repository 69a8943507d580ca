import { parseTrainingPlanJson } from '@syndicate/protocol';
import type { Logger } from 'pino';
import { loadIdentity, newKeyMaterial, saveIdentity, type AgentIdentity } from '../crypto/identity-store';
import { loadCsvDataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';
import { initTensorflow } from '../training/backend';
import { enroll } from './coordinator-client';
import { ParticipantAgent } from './participant-agent';
import { mergeTransport, type AgentTransport } from './transport';

export async function enrollAgent(o: {
  coordinator: string;
  federation?: string;
  token: string;
  stateDir: string;
  transport?: AgentTransport;
}): Promise<AgentIdentity> {
  const existing = loadIdentity(o.stateDir);
  if (existing)
    throw new Error(`${o.stateDir} already holds an enrollment (${existing.participantId}); use another --state-dir`);
  const keys = newKeyMaterial();
  const res = await enroll(
    o.coordinator,
    {
      federationId: o.federation ?? '',
      token: o.token,
      signingPublicKey: keys.signingPublicKey,
      boxPublicKey: keys.boxPublicKey,
      signingSecretKey: keys.signingSecretKey,
    },
    o.transport,
  );
  const identity: AgentIdentity = {
    coordinator: o.coordinator,
    transport: o.transport,
    federationId: res.federationId,
    participantId: res.participantId,
    keyEpoch: res.keyEpoch,
    planJson: res.planJson,
    ...keys,
  };
  saveIdentity(o.stateDir, identity);
  return identity;
}

export interface RunAgentOptions {
  data: string;
  stateDir: string;
  coordinator?: string;
  federation?: string;
  token?: string;
  keepUpdates?: string;
  /** TLS flags given to this run; they override what enrollment saved. */
  transport?: AgentTransport;
  logger: Logger;
}

/** Enrolls if needed, validates the data against the plan, then serves rounds until SIGTERM. */
export async function runAgent(o: RunAgentOptions): Promise<void> {
  let identity = loadIdentity(o.stateDir);
  if (!identity) {
    if (!o.coordinator || !o.token) {
      throw new Error(
        `not enrolled yet (${o.stateDir} holds no identity): pass --coordinator and --token from your invitation`,
      );
    }
    identity = await enrollAgent({
      coordinator: o.coordinator,
      federation: o.federation,
      token: o.token,
      stateDir: o.stateDir,
      transport: o.transport,
    });
    o.logger.info({ participantId: identity.participantId }, 'enrolled');
  }
  identity = { ...identity, transport: mergeTransport(identity.transport, o.transport ?? {}) };
  if (o.coordinator) identity.coordinator = o.coordinator;
  if (identity.transport?.insecure) o.logger.warn('TLS is OFF (--insecure): development only');
  const plan = parseTrainingPlanJson(identity.planJson);
  // Validate the data before connecting: a schema problem is the bank's to fix, not a round's to fail.
  const dataset = await loadCsvDataset(o.data, plan.schema);
  const { train, holdout } = splitHoldout(dataset, plan.holdout.fraction, plan.holdout.seed);
  const { backend } = await initTensorflow();
  o.logger.info({ rows: dataset.rows, train: train.rows, holdout: holdout.rows, backend }, 'data loaded');
  const agent = new ParticipantAgent({
    identity,
    train,
    holdout,
    logger: o.logger,
    keepUpdatesDir: o.keepUpdates,
    healthDir: o.stateDir,
    stateDir: o.stateDir,
    dataFile: o.data,
  });
  const stop = () => agent.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await agent.run();
}
