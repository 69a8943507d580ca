import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import { ModelsService } from '../models/models.service';
import { EvaluationResult } from './evaluation-result.entity';

export interface EvaluationInput {
  federationId: string;
  participantId: string;
  modelVersionId: string;
  numExamples: number;
  loss: number;
  accuracy: number;
  auc: number;
}

@Injectable()
export class EvaluationService {
  constructor(
    @InjectRepository(EvaluationResult) private readonly repo: Repository<EvaluationResult>,
    private readonly models: ModelsService,
    private readonly clock: Clock,
  ) {}

  async record(i: EvaluationInput): Promise<EvaluationResult> {
    const model = await this.models.summary(i.modelVersionId);
    if (model.federationId !== i.federationId) {
      throw new SyndicateError('INVALID_ARGUMENT', 'MODEL_NOT_IN_FEDERATION', `model ${i.modelVersionId} does not belong to federation ${i.federationId}`);
    }
    const problems: string[] = [];
    if (!Number.isSafeInteger(i.numExamples) || i.numExamples < 1) problems.push(`numExamples must be a positive integer, got ${i.numExamples}`);
    if (!Number.isFinite(i.loss) || i.loss < 0) problems.push(`loss must be a finite non-negative number, got ${i.loss}`);
    for (const [k, v] of [['accuracy', i.accuracy], ['auc', i.auc]] as const) {
      if (!(v >= 0 && v <= 1)) problems.push(`${k} must be within [0, 1], got ${v}`);
    }
    if (problems.length) throw new SyndicateError('INVALID_ARGUMENT', 'BAD_METRICS', 'evaluation metrics are invalid', problems);
    if (await this.repo.findOne({ where: { modelVersionId: i.modelVersionId, participantId: i.participantId } })) {
      throw new SyndicateError('ALREADY_EXISTS', 'DUPLICATE_EVALUATION', `participant ${i.participantId} already evaluated model ${i.modelVersionId}`);
    }
    return this.repo.save(this.repo.create({ id: newId('evl'), ...i, createdAt: this.clock.now() }));
  }

  async forModel(modelVersionId: string): Promise<EvaluationResult[]> {
    return this.repo.find({ where: { modelVersionId }, order: { createdAt: 'ASC' } });
  }

  async has(modelVersionId: string, participantId: string): Promise<boolean> {
    return (await this.repo.count({ where: { modelVersionId, participantId } })) > 0;
  }
}
