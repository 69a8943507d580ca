import { createHash } from 'crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { ModelVersion } from './model-version.entity';

export type ModelSummary = Omit<ModelVersion, 'data'>;

/**
 * A summary as the admin API shows it. `keyEpoch` is the epoch a members-only model is sealed
 * under (0 when published in clear); `roundKeyEpoch` is the epoch the round itself ran under.
 */
export type ModelView = ModelSummary & { roundKeyEpoch: number | null };

export interface NewModelVersion {
  federationId: string;
  roundNumber: number;
  contributors: number;
  encoding: string;
  numParams: number;
  planSha256: string;
  data: Buffer;
  keyEpoch?: number;
}

const SUMMARY_COLUMNS: (keyof ModelVersion)[] = [
  'id',
  'federationId',
  'roundNumber',
  'contributors',
  'encoding',
  'numParams',
  'sha256',
  'planSha256',
  'createdAt',
  'keyEpoch',
];

@Injectable()
export class ModelsService {
  constructor(
    @InjectRepository(ModelVersion) private readonly repo: Repository<ModelVersion>,
    private readonly clock: Clock,
  ) {}

  async create(v: NewModelVersion, manager?: EntityManager): Promise<ModelVersion> {
    const repo = manager ? manager.getRepository(ModelVersion) : this.repo;
    const entity = repo.create({
      ...v,
      keyEpoch: v.keyEpoch ?? 0,
      id: newId('mdl'),
      sha256: createHash('sha256').update(v.data).digest('hex'),
      createdAt: this.clock.now(),
    });
    return repo.save(entity);
  }

  async list(federationId: string): Promise<ModelSummary[]> {
    return this.repo.find({
      where: { federationId },
      select: SUMMARY_COLUMNS,
      order: { roundNumber: 'ASC', keyEpoch: 'ASC' },
    });
  }

  async summary(id: string): Promise<ModelSummary> {
    const found = await this.repo.findOne({ where: { id }, select: SUMMARY_COLUMNS });
    if (!found) throw new SyndicateError('NOT_FOUND', 'MODEL_NOT_FOUND', `model version ${id} does not exist`);
    return found;
  }

  /** Adds the key epoch each model's round ran under: what an auditor means by "its key epoch". */
  async withRoundEpochs(models: ModelSummary[]): Promise<ModelView[]> {
    if (!models.length) return [];
    // Rounds import models, so this reads the rounds table by name rather than importing its entity.
    const rounds = await this.repo.manager
      .createQueryBuilder()
      .from('rounds', 'r')
      .select('r."federationId"', 'federationId')
      .addSelect('r."number"', 'number')
      .addSelect('r."keyEpoch"', 'keyEpoch')
      .where('r."federationId" IN (:...ids)', { ids: [...new Set(models.map((m) => m.federationId))] })
      .getRawMany<{ federationId: string; number: string | number; keyEpoch: string | number }>();
    const epoch = new Map(rounds.map((r) => [`${r.federationId}/${Number(r.number)}`, Number(r.keyEpoch)]));
    return models.map((m) => ({ ...m, roundKeyEpoch: epoch.get(`${m.federationId}/${m.roundNumber}`) ?? null }));
  }

  async withData(id: string): Promise<ModelVersion> {
    const found = await this.repo.findOne({ where: { id } });
    if (!found) throw new SyndicateError('NOT_FOUND', 'MODEL_NOT_FOUND', `model version ${id} does not exist`);
    return found;
  }

  async latest(federationId: string): Promise<ModelSummary> {
    // A re-seal for a newer key epoch supersedes the same round's older copy.
    const found = await this.repo.findOne({
      where: { federationId },
      select: SUMMARY_COLUMNS,
      order: { roundNumber: 'DESC', keyEpoch: 'DESC' },
    });
    if (!found) throw new SyndicateError('NOT_FOUND', 'MODEL_NOT_FOUND', `federation ${federationId} has no model yet`);
    return found;
  }

  async byRound(federationId: string, roundNumber: number, manager?: EntityManager): Promise<ModelSummary | null> {
    const repo = manager ? manager.getRepository(ModelVersion) : this.repo;
    return repo.findOne({ where: { federationId, roundNumber }, select: SUMMARY_COLUMNS, order: { keyEpoch: 'DESC' } });
  }
}
