import type { LocalTraining } from '@syndicate/protocol';

/** A type, not an interface, so it fits tfjs's `{ [classIndex: number]: number }`. */
export type ClassWeights = {
  0: number;
  1: number;
};

/**
 * The plan's class weights for this member's labels. `balanced` weighs each class
 * by rows / (2 * rows of the class) from the member's own training labels, so
 * both classes carry half the loss; a class the member lacks gets weight 1 (it
 * never occurs). undefined = unweighted.
 */
export function resolveClassWeights(
  spec: LocalTraining['classWeights'],
  labels: ArrayLike<number>,
): ClassWeights | undefined {
  if (spec === undefined) return undefined;
  if (spec !== 'balanced') return { 0: spec['0'], 1: spec['1'] };
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  const weight = (n: number) => (n > 0 ? labels.length / (2 * n) : 1);
  return { 0: weight(negatives), 1: weight(positives) };
}
