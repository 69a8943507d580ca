import { applyConsortiumStandardization, type FeatureMoments, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { splitHoldout, splitValidationTest } from '../data/holdout-split';
import { needsFeatureStats } from './federated-standardization';

/**
 * The plan and this bank's data as encoded for it. Plans with federated standardisation
 * allow no training or scoring until the consortium moments are applied, once.
 */
export class MemberData {
  private current: { plan: TrainingPlan; train: Dataset; holdout: Dataset };
  private standardizedFlag: boolean;

  constructor(plan: TrainingPlan, train: Dataset, holdout: Dataset) {
    this.current = { plan, train, holdout };
    this.standardizedFlag = !needsFeatureStats(plan);
  }

  get plan(): TrainingPlan {
    return this.current.plan;
  }

  get train(): Dataset {
    return this.current.train;
  }

  get holdout(): Dataset {
    return this.current.holdout;
  }

  /** The holdout's rows that choose the model, and those that only report it (fixed by the plan's seed). */
  get validationTest(): { validation: Dataset; test: Dataset } {
    const { plan, holdout } = this.current;
    return splitValidationTest(holdout, plan.holdout.validationFraction, plan.holdout.seed);
  }

  get standardized(): boolean {
    return this.standardizedFlag;
  }

  /** Applies the consortium's means and standard deviations and re-encodes the CSV with them. */
  async standardize(moments: FeatureMoments, dataFile: string): Promise<void> {
    const plan = applyConsortiumStandardization(this.current.plan, moments);
    const { train, holdout } = splitHoldout(
      await loadCsvDataset(dataFile, plan.schema),
      plan.holdout.fraction,
      plan.holdout.seed,
    );
    this.current = { plan, train, holdout };
    this.standardizedFlag = true;
  }
}
