/**
 * A server-side aggregation rule over flat parameter vectors. The state is a plain
 * value so it can be persisted between updates (crash safety) and folded one
 * update at a time (memory O(model), not O(participants x model)).
 */
export interface AggregationStrategy<State> {
  readonly name: string;
  init(numParams: number): State;
  /** Folds one update in; must not keep a reference to `update`. */
  add(state: State, update: Float32Array, weight: number): State;
  finalize(state: State): Float32Array;
  serialize(state: State): { data: Buffer; totalWeight: number; contributors: number };
  deserialize(stored: { data: Buffer; totalWeight: number; contributors: number }): State;
}
