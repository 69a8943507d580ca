import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { decodeFloat32, modelPayloadFloats, scorecardFromWeights, type Scorecard } from '@syndicate/protocol';
import { ApiDoc } from '../http/api-doc';
import { Roles } from '../http/roles';
import { SyndicateError } from '../common/syndicate-error';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';
import { binarySchema, jsonWeightsSchema, scorecardSchema, tfjsModelJsonSchema } from '../models/models.responses';
import { jsonWeights, type JsonWeights } from '../models/exports/json-weights';
import {
  TFJS_WEIGHTS_FILE,
  tfjsModelArtifacts,
  tfjsModelJson,
  type TfjsModelJson,
} from '../models/exports/tfjs-export';

/**
 * A published model in the formats a bank's teams use: a TensorFlow.js model
 * directory (`tf.loadLayersModel('<base>/v1/models/ID/export/tfjs/model.json')`
 * finds its shard beside it), plain JSON weights, and a points scorecard.
 */
@Controller('v1/models/:id/export')
@Roles('data-scientist', 'auditor')
export class ModelExportsController {
  constructor(
    private readonly models: ModelsService,
    private readonly federations: FederationsService,
  ) {}

  private async load(id: string) {
    const m = await this.models.withData(id);
    if (m.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MODEL_SEALED',
        `model ${m.id} is sealed for members only (release policy members-only); a member pulls it with: syndicate-agent model pull`,
      );
    }
    const plan = this.federations.plan(await this.federations.entity(m.federationId));
    const opts = { planSha256: m.planSha256, modelVersionId: m.id, roundNumber: m.roundNumber };
    // Weights first; fedadam/fedyogi payloads carry the optimizer's moments after them.
    return { plan, weights: decodeFloat32(m.data, modelPayloadFloats(plan)).subarray(0, m.numParams), opts };
  }

  @Get('tfjs/model.json')
  @ApiDoc({
    summary: 'Export a model as a TensorFlow.js model.json',
    description:
      "The layers-model document `tf.loadLayersModel('<base>/v1/models/ID/export/tfjs/model.json')` reads; its weights shard is fetched from beside it. Carries the plan name and hash, the round and how to encode inputs. Refused for a sealed model (MODEL_SEALED).",
    response: tfjsModelJsonSchema,
  })
  async tfjsModel(@Param('id') id: string): Promise<TfjsModelJson> {
    const { plan, opts } = await this.load(id);
    return tfjsModelJson(plan, opts);
  }

  @Get(`tfjs/${TFJS_WEIGHTS_FILE}`)
  @Header('Content-Type', 'application/octet-stream')
  @ApiDoc({
    summary: 'Export the TensorFlow.js weights shard',
    description: "The binary shard model.json's weights manifest names; TensorFlow.js fetches it by itself.",
    response: binarySchema,
  })
  async tfjsWeights(@Param('id') id: string): Promise<StreamableFile> {
    const { plan, weights, opts } = await this.load(id);
    return new StreamableFile(tfjsModelArtifacts(plan, weights, opts)[TFJS_WEIGHTS_FILE]);
  }

  @Get('weights.json')
  @ApiDoc({
    summary: 'Export a model as plain JSON weights',
    description:
      'Dense layers as JSON numbers (kernel [input][unit], bias, activation) with the input encoding, for tools without TensorFlow: Python, R, SAS, a spreadsheet. Refused for a sealed model (MODEL_SEALED).',
    response: jsonWeightsSchema,
  })
  async json(@Param('id') id: string): Promise<JsonWeights> {
    const { plan, weights, opts } = await this.load(id);
    return jsonWeights(plan, weights, opts);
  }

  @Get('scorecard.json')
  @ApiDoc({
    summary: 'Export a logistic-regression model as a scorecard',
    description:
      'The model restated as a points-based credit scorecard (base score 600 at 50:1 odds, 20 points to double the odds), exact to the log-odds. Only a logistic-regression model has one: others are refused with 400 NOT_A_SCORECARD_MODEL.',
    response: scorecardSchema,
  })
  async scorecard(@Param('id') id: string): Promise<Scorecard> {
    const { plan, weights } = await this.load(id);
    try {
      return scorecardFromWeights(plan, weights);
    } catch (err) {
      // The request asks for what this model cannot be (an MLP has no points table): a usage error, not a conflict.
      throw new SyndicateError(
        'INVALID_ARGUMENT',
        'NOT_A_SCORECARD_MODEL',
        `${(err as Error).message}; export it as tfjs, json or f32 instead`,
      );
    }
  }
}
