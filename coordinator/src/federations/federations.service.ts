import { createHash } from 'crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  applyConsortiumStandardization,
  encodeFloat32,
  initialModelPayload,
  isQuorumProblem,
  modelLayout,
  parseTrainingPlan,
  PlanValidationError,
  type FeatureMoments,
  type TrainingPlan,
} from '@syndicate/protocol';
import { type DataSource, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { ModelsService } from '../models/models.service';
import { AuditService } from '../audit/audit.service';
import { Federation } from './federation.entity';
import { refuseSmallQuorum } from './quorum-refusal';

export interface FederationView {
  id: string;
  name: string;
  plan: TrainingPlan;
  planSha256: string;
  keyEpoch: number;
  numParams: number;
  createdAt: number;
}

@Injectable()
export class FederationsService {
  private readonly parsedPlans = new Map<string, TrainingPlan>();

  constructor(
    @InjectRepository(Federation) private readonly repo: Repository<Federation>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly models: ModelsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Validates the plan, stores the federation and its initial model (version 0) together. */
  async create(planInput: unknown, actor: string): Promise<FederationView> {
    let plan: TrainingPlan;
    try {
      plan = parseTrainingPlan(planInput);
    } catch (err) {
      if (err instanceof PlanValidationError) {
        const quorum = err.problems.filter(isQuorumProblem);
        if (quorum.length && quorum.length === err.problems.length) await this.refuseQuorum(planInput, actor);
        throw new SyndicateError('INVALID_ARGUMENT', 'INVALID_PLAN', 'the training plan is invalid', err.problems);
      }
      throw err;
    }
    if (await this.repo.findOne({ where: { name: plan.name } })) {
      throw new SyndicateError(
        'ALREADY_EXISTS',
        'FEDERATION_EXISTS',
        `a federation named "${plan.name}" already exists; choose another plan name`,
      );
    }
    const planJson = JSON.stringify(plan);
    const planSha256 = createHash('sha256').update(planJson).digest('hex');
    // Weights, plus the server optimizer's initial moments for fedadam/fedyogi.
    const payload = initialModelPayload(plan);
    const federation = await this.db.transaction(async (em) => {
      const f = await em.getRepository(Federation).save(
        em.getRepository(Federation).create({
          id: newId('fed'),
          name: plan.name,
          planJson,
          planSha256,
          keyEpoch: 0,
          createdAt: this.clock.now(),
        }),
      );
      await this.models.create(
        {
          federationId: f.id,
          roundNumber: 0,
          contributors: 0,
          encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
          numParams: modelLayout(plan).numParams,
          planSha256,
          data: encodeFloat32(payload),
        },
        em,
      );
      // Same transaction: a federation whose creation cannot be audited does not exist.
      await this.audit.recordIn(em, {
        actor,
        action: 'federation.created',
        federationId: f.id,
        subject: f.id,
        detail: { name: f.name, planSha256 },
      });
      return f;
    });
    return this.view(federation);
  }

  /** The plan's only problem is its quorum: refused by that name (and audited), not as a generic invalid plan. */
  private async refuseQuorum(planInput: unknown, actor: string): Promise<void> {
    // Only an explicit value can be too small: a secure plan that names none gets the floor.
    const value = Number((planInput as { rounds?: { minParticipants?: unknown } }).rounds?.minParticipants);
    await refuseSmallQuorum(this.audit, {
      mode: 'secure',
      value,
      field: 'rounds.minParticipants',
      actor,
      action: 'federation.create',
    });
  }

  async get(id: string): Promise<FederationView> {
    return this.view(await this.entity(id));
  }

  async entity(id: string): Promise<Federation> {
    const f = await this.repo.findOne({ where: { id } });
    if (!f) {
      throw new SyndicateError(
        'NOT_FOUND',
        'FEDERATION_NOT_FOUND',
        `federation ${JSON.stringify(id)} does not exist; list federations with GET /v1/federations`,
      );
    }
    return f;
  }

  async list(): Promise<FederationView[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map((f) => this.view(f));
  }

  async planOf(federationId: string): Promise<TrainingPlan> {
    return this.plan(await this.entity(federationId));
  }

  /**
   * The plan in force: once the consortium's feature moments are known, federated
   * features carry their consortium mean and standard deviation as center and
   * scale, so exports, scorecards and reports encode inputs as members train.
   */
  plan(f: Federation): TrainingPlan {
    // Re-parsed (and cached) so a plan stored before a field existed gets that field's default.
    let plan = this.parsedPlans.get(f.planJson);
    if (!plan) {
      plan = parseTrainingPlan(JSON.parse(f.planJson));
      this.parsedPlans.set(f.planJson, plan);
    }
    return f.featureMomentsJson
      ? applyConsortiumStandardization(plan, JSON.parse(f.featureMomentsJson) as FeatureMoments)
      : plan;
  }

  private view(f: Federation): FederationView {
    const plan = this.plan(f);
    return {
      id: f.id,
      name: f.name,
      plan,
      planSha256: f.planSha256,
      keyEpoch: f.keyEpoch,
      numParams: modelLayout(plan).numParams,
      createdAt: f.createdAt,
    };
  }
}
