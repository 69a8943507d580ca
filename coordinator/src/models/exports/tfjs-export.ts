import { mkdir, writeFile } from 'fs/promises';
import * as path from 'path';
import {
  encodeFloat32,
  layersModelTopology,
  modelLayout,
  weightsManifest,
  type SequentialTopologyJson,
  type TrainingPlan,
  type WeightsManifestEntry,
} from '@syndicate/protocol';
import { inputEncoding, type InputEncodingEntry } from './input-encoding';

export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface ModelExportOptions {
  /** sha256 of the plan the model was trained under, so a reader can check it is the plan they hold. */
  planSha256?: string;
  /** Registry id and round of the model version, for provenance. */
  modelVersionId?: string;
  roundNumber?: number;
}

export type ExportablePlan = Pick<TrainingPlan, 'name' | 'schema' | 'model'>;

/** What users need to feed the model correctly, carried in model.json. */
export interface SyndicateModelMetadata {
  plan: { name: string; sha256?: string };
  modelVersionId?: string;
  roundNumber?: number;
  target: string;
  output: string;
  inputDim: number;
  inputEncoding: InputEncodingEntry[];
}

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: 'syndicate';
  convertedBy: null;
  modelTopology: SequentialTopologyJson;
  weightsManifest: { paths: string[]; weights: WeightsManifestEntry[] }[];
  userDefinedMetadata: { syndicate: SyndicateModelMetadata };
}

export interface TfjsModelArtifacts {
  'model.json': Buffer;
  [TFJS_WEIGHTS_FILE]: Buffer;
}

/** The model.json document for a plan (weights live in the shard beside it). */
export function tfjsModelJson(plan: ExportablePlan, opts: ModelExportOptions = {}): TfjsModelJson {
  const layout = modelLayout(plan);
  return {
    format: 'layers-model',
    generatedBy: 'syndicate',
    convertedBy: null,
    modelTopology: layersModelTopology(plan),
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: weightsManifest(layout) }],
    userDefinedMetadata: {
      syndicate: {
        plan: { name: plan.name, ...(opts.planSha256 ? { sha256: opts.planSha256 } : {}) },
        ...(opts.modelVersionId ? { modelVersionId: opts.modelVersionId } : {}),
        ...(opts.roundNumber !== undefined ? { roundNumber: opts.roundNumber } : {}),
        target: plan.schema.target.name,
        output: `probability that ${plan.schema.target.name} = 1 (sigmoid)`,
        inputDim: layout.inputDim,
        inputEncoding: inputEncoding(plan.schema),
      },
    },
  };
}

/**
 * A TensorFlow.js layers-model in its two files: `tf.loadLayersModel` reads it
 * from a web server or `file://` directory. The shard is the flat weight vector
 * as-is, because the manifest lists tensors in layout order.
 */
export function tfjsModelArtifacts(
  plan: ExportablePlan,
  weights: Float32Array,
  opts: ModelExportOptions = {},
): TfjsModelArtifacts {
  const { numParams } = modelLayout(plan);
  if (weights.length !== numParams)
    throw new Error(`weight vector has ${weights.length} parameters, the model has ${numParams}`);
  return {
    'model.json': Buffer.from(JSON.stringify(tfjsModelJson(plan, opts), null, 2) + '\n', 'utf8'),
    [TFJS_WEIGHTS_FILE]: encodeFloat32(weights),
  };
}

/** Writes model.json and its shard into `dir` (created if missing); returns the paths written. */
export async function writeTfjsModelDir(
  dir: string,
  plan: ExportablePlan,
  weights: Float32Array,
  opts: ModelExportOptions = {},
): Promise<string[]> {
  const artifacts = tfjsModelArtifacts(plan, weights, opts);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of Object.entries(artifacts) as [keyof TfjsModelArtifacts, Buffer][]) {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    written.push(file);
  }
  return written;
}
