import * as fs from 'fs';
import { decodeFloat32, modelLayout, type TrainingPlan } from '@syndicate/protocol';
import { z } from 'zod';

export interface GlobalWeightsFile {
  weights: Float32Array;
  /** Known only from the JSON form, which `model pull` writes with the model's identity. */
  modelVersionId?: string;
  roundNumber?: number;
}

const pulledJson = z.object({
  modelVersionId: z.string(),
  roundNumber: z.number().int().min(0),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), values: z.array(z.number()) })),
});

/**
 * A global model saved by `syndicate-agent model pull --out`: `.f32` raw
 * little-endian float32, or its JSON form (tensor names, shapes and values).
 * Either must match the plan's model exactly.
 */
export function readGlobalWeights(file: string, plan: TrainingPlan): GlobalWeightsFile {
  const layout = modelLayout(plan);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new Error(
      `global weights file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (!file.toLowerCase().endsWith('.json')) {
    try {
      return { weights: decodeFloat32(bytes, layout.numParams) };
    } catch (err) {
      throw new Error(
        `${file}: not the plan's model as raw float32 (${layout.numParams} parameters, ${layout.numParams * 4} bytes): ${(err as Error).message}`,
      );
    }
  }
  let parsed: z.infer<typeof pulledJson>;
  try {
    parsed = pulledJson.parse(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new Error(
      `${file}: not a model written by syndicate-agent model pull (${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message})`,
    );
  }
  const weights = new Float32Array(layout.numParams);
  const byName = new Map(parsed.tensors.map((t) => [t.name, t]));
  for (const t of layout.tensors) {
    const found = byName.get(t.name);
    if (!found)
      throw new Error(
        `${file}: has no tensor ${t.name}; the plan's model needs ${layout.tensors.map((x) => x.name).join(', ')}`,
      );
    if (found.values.length !== t.size)
      throw new Error(`${file}: tensor ${t.name} has ${found.values.length} values, the plan's model has ${t.size}`);
    weights.set(found.values, t.offset);
  }
  if (byName.size !== layout.tensors.length)
    throw new Error(`${file}: has ${byName.size} tensors, the plan's model has ${layout.tensors.length}`);
  for (let i = 0; i < weights.length; i++)
    if (!Number.isFinite(weights[i])) throw new Error(`${file}: parameter ${i} is not finite`);
  return { weights, modelVersionId: parsed.modelVersionId, roundNumber: parsed.roundNumber };
}
