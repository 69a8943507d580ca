import { Injectable } from '@nestjs/common';
import { ChampionService } from '../evaluation/champion.service';
import { ModelsService, type ModelSummary } from './models.service';

/** Names a caller may give instead of a model version id. */
export const MODEL_ALIASES = ['champion', 'latest'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

export const isModelAlias = (id: string): id is ModelAlias => (MODEL_ALIASES as readonly string[]).includes(id);

/**
 * `champion`: the version chosen on federated validation (what every command serves by default);
 * `latest`: the newest round's. Before any version has been evaluated the champion is the latest.
 * A members-only champion resolves to its newest re-seal, which the current key epoch opens.
 */
@Injectable()
export class ModelAliases {
  constructor(
    private readonly models: ModelsService,
    private readonly champions: ChampionService,
  ) {}

  async resolve(federationId: string, idOrAlias: string): Promise<string> {
    if (idOrAlias === 'latest') return (await this.models.latest(federationId)).id;
    if (idOrAlias === 'champion') return (await this.champion(federationId)).id;
    return idOrAlias;
  }

  async champion(federationId: string): Promise<ModelSummary> {
    const ev = await this.champions.champion(federationId);
    const chosen = ev ? await this.models.byRound(federationId, ev.roundNumber) : null;
    return chosen ?? this.models.latest(federationId);
  }
}
