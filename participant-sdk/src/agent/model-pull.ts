import { writePrivateFile } from '../common/private-file';
import {
  modelLayout,
  modelPayloadFloats,
  parseTrainingPlanJson,
  splitModelPayload,
  type TrainingPlan,
} from '@syndicate/protocol';
import { loadIdentity } from '../crypto/identity-store';
import { KeyRing } from '../crypto/key-ring';
import { agentTrust, policySource } from '../trust/agent-trust';
import { CoordinatorClient } from './coordinator-client';
import { mergeTransport, type AgentTransport } from './transport';

export interface PulledModel {
  modelVersionId: string;
  roundNumber: number;
  sealed: boolean;
  weights: Float32Array;
}

/**
 * The current global model for this member's data scientists, decrypted here:
 * under members-only the coordinator holds it sealed and cannot read it.
 */
export async function pullModel(o: {
  stateDir: string;
  coordinator?: string;
  modelVersionId?: string;
  transport?: AgentTransport;
}): Promise<PulledModel> {
  const stored = loadIdentity(o.stateDir);
  if (!stored) throw new Error(`${o.stateDir} holds no enrollment; run syndicate-agent enroll first`);
  const identity = {
    ...stored,
    coordinator: o.coordinator ?? stored.coordinator,
    transport: mergeTransport(stored.transport, o.transport ?? {}),
  };
  const plan = parseTrainingPlanJson(identity.planJson);
  const client = new CoordinatorClient(identity);
  const keys = new KeyRing(identity, client, agentTrust(identity, client, policySource(o.stateDir)));
  try {
    const m = await client.downloadModel(o.modelVersionId ?? 'champion');
    // Only the weights: a fedadam/fedyogi payload's optimizer moments are no use to a data scientist.
    const { weights } = splitModelPayload(plan, await keys.modelWeights(m, modelPayloadFloats(plan)));
    return {
      modelVersionId: m.modelVersionId,
      roundNumber: m.roundNumber,
      sealed: m.encoding === 'PAYLOAD_ENCODING_SEALED_FLOAT32',
      weights,
    };
  } finally {
    keys.dispose();
    client.close();
  }
}

/**
 * `.f32`: raw little-endian float32; anything else: JSON with each tensor's
 * name, shape and values, and the feature schema the weights expect (with the
 * consortium's scaling when the plan standardises federatedly), so the file
 * alone is enough to score with.
 */
export function writePulledModel(file: string, plan: TrainingPlan, m: PulledModel): void {
  // The consortium model is the members' alone (under members-only, not even the coordinator has it).
  if (file.endsWith('.f32')) {
    writePrivateFile(file, Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength));
    return;
  }
  const layout = modelLayout(plan);
  const tensors = layout.tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    values: Array.from(m.weights.subarray(t.offset, t.offset + t.size)),
  }));
  writePrivateFile(
    file,
    `${JSON.stringify({ modelVersionId: m.modelVersionId, roundNumber: m.roundNumber, numParams: m.weights.length, schema: plan.schema, model: plan.model, tensors }, null, 1)}\n`,
  );
}
