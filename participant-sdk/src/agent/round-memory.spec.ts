import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AgentContext } from './agent-context';
import { appliedModelsPath } from './applied-models-file';
import { globalPayload } from './global-model';
import { payloadSha256, RoundMemory } from './round-memory';

const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-applied-'));

/** An agent context whose coordinator serves `served` as round 7's model. */
function contextServing(served: Float32Array, memory: RoundMemory) {
  const refusals: string[] = [];
  const ctx = {
    memory,
    payloadFloats: served.length,
    client: {
      downloadModel: async () => ({ roundNumber: 7 }),
      reportRefusal: async (reason: string) => void refusals.push(reason),
    },
    keys: { modelWeights: async () => served },
  } as unknown as AgentContext;
  return { ctx, refusals };
}

describe('applied models across an agent restart', () => {
  const computed = new Float32Array([0.25, -1, 3]);

  it('keeps the digest of each model it computed in the state directory, 0600', () => {
    const dir = stateDir();
    new RoundMemory(dir).rememberApplied(7, computed);
    expect(fs.statSync(appliedModelsPath(dir)).mode & 0o777).toBe(0o600);
    expect(new RoundMemory(dir).appliedIn(7)).toBe(payloadSha256(computed));
  });

  it('a restarted member refuses a served model that differs from the one it computed (MODEL_MISMATCH)', async () => {
    const dir = stateDir();
    new RoundMemory(dir).rememberApplied(7, computed);
    const imposed = new Float32Array([0.25, -1, 3.0001]);
    const { ctx, refusals } = contextServing(imposed, new RoundMemory(dir));
    await expect(globalPayload(ctx, 'v7')).rejects.toMatchObject({ reason: 'MODEL_MISMATCH' });
    expect(refusals).toEqual(['MODEL_MISMATCH']);
  });

  it('positive control: the same model is accepted after the restart, and without a state directory nothing is compared', async () => {
    const dir = stateDir();
    new RoundMemory(dir).rememberApplied(7, computed);
    await expect(globalPayload(contextServing(computed, new RoundMemory(dir)).ctx, 'v7')).resolves.toEqual(computed);
    const forgetful = contextServing(new Float32Array([9, 9, 9]), new RoundMemory());
    await expect(globalPayload(forgetful.ctx, 'v7')).resolves.toHaveLength(3);
  });

  it('keeps only the last few rounds', () => {
    const dir = stateDir();
    const m = new RoundMemory(dir);
    for (let r = 1; r <= 10; r++) m.rememberApplied(r, new Float32Array([r]));
    const again = new RoundMemory(dir);
    expect(again.appliedIn(5)).toBeUndefined();
    expect(again.appliedIn(6)).toBe(payloadSha256(new Float32Array([6])));
  });

  it('names the file and the fix when it is damaged', () => {
    const dir = stateDir();
    fs.writeFileSync(appliedModelsPath(dir), '{"applied":[{"round":1,"sha256":"xyz"}]}');
    expect(() => new RoundMemory(dir)).toThrow(/applied-models\.json does not hold applied models.*delete it/);
  });
});
