import { SyndicateError } from '../common/syndicate-error';
import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiDoc } from '../http/api-doc';
import { Roles } from '../http/roles';
import { ModelsService, type ModelView } from './models.service';
import { binarySchema, modelListSchema, modelViewSchema, selectionResponseSchema } from './models.responses';
import { ModelAliases } from './model-aliases.service';
import { ChampionService, type SelectionView } from '../evaluation/champion.service';

/** Model selection as the admin API shows it: the champion's version, the best round, early stopping. */
export interface SelectionResponse extends SelectionView {
  /** The version `champion` resolves to (its newest re-seal under members-only); null before any model. */
  championModel: ModelView | null;
}

@Controller('v1')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly aliases: ModelAliases,
    private readonly champions: ChampionService,
  ) {}

  @Get('federations/:federationId/selection')
  @Roles('admin', 'data-scientist', 'auditor')
  @ApiDoc({
    summary: "Read a federation's model selection: champion, best round, early stopping",
    description:
      "The champion (promoted only when it beats the previous champion's federated validation figure by the plan's margin), the best version by that figure, rounds since it last improved, and whether patience has run out (no further round opens).",
    response: selectionResponseSchema,
  })
  async selection(@Param('federationId') federationId: string): Promise<SelectionResponse> {
    const state = await this.champions.state(federationId);
    const model = await this.aliases.champion(federationId).catch(() => null);
    return { ...state, championModel: model ? (await this.models.withRoundEpochs([model]))[0] : null };
  }

  @Get('federations/:federationId/models')
  @Roles('admin', 'data-scientist', 'auditor')
  @ApiDoc({
    summary: "List a federation's published models",
    description:
      'Every model version from the initial one (round 0) on, by round: size, hashes, whether it is published in clear or sealed for members, and the key epochs involved.',
    response: modelListSchema,
  })
  async list(@Param('federationId') federationId: string): Promise<ModelView[]> {
    return this.models.withRoundEpochs(await this.models.list(federationId));
  }

  @Get('models/:id')
  @Roles('admin', 'data-scientist', 'auditor')
  @ApiDoc({
    summary: 'Read one model version',
    description:
      'Provenance of one model version: federation, round, number of contributors, SHA-256 of the weights and of the plan.',
    response: modelViewSchema,
  })
  async get(@Param('id') id: string): Promise<ModelView> {
    return (await this.models.withRoundEpochs([await this.models.summary(id)]))[0];
  }

  /** Raw little-endian float32 weights in the plan's flat layout. */
  @Get('models/:id/weights')
  @Roles('data-scientist', 'auditor')
  @Header('Content-Type', 'application/octet-stream')
  @ApiDoc({
    summary: "Download a model's raw weights",
    description:
      "Little-endian float32 weights in the plan's flat layout (numParams values). A model sealed for members only is refused (MODEL_SEALED); a member pulls it with its agent.",
    response: binarySchema,
  })
  async weights(@Param('id') id: string): Promise<StreamableFile> {
    const m = await this.models.withData(id);
    if (m.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'MODEL_SEALED',
        `model ${m.id} is sealed for members only (release policy members-only); a member pulls it with: syndicate-agent model pull`,
      );
    }
    // The payload may carry the server optimizer's moments after the weights; only the weights are the model.
    return new StreamableFile(m.data.subarray(0, 4 * m.numParams), {
      disposition: `attachment; filename="${m.id}.f32"`,
    });
  }
}
