/** The plaintext aggregation rule (an `AggregationStrategy`); FedAvg unless a module provides another. */
export const AGGREGATION_STRATEGY = Symbol('AGGREGATION_STRATEGY');
