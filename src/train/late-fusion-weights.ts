/**
 * Late fusion weighted on held-out data: the weights (>= 0, summing to 1) of the heads' class
 * probabilities whose weighted mean gives the validation rows the highest mean log-likelihood,
 * searched over a grid on the simplex. A grid, not gradient descent: two to four heads give at most
 * a few thousand points at step 0.05, and a coarse grid does not chase the noise of a small
 * validation group. Equal weights are tried first and kept unless another point is strictly better.
 */
export function fitHeadWeights(
  headProbabilities: readonly Float32Array[],
  labels: readonly number[],
  classes: number,
  step = 0.05,
): number[] {
  const heads = headProbabilities.length;
  if (heads === 0) throw new Error('fitHeadWeights(): no heads');
  for (const p of headProbabilities)
    if (p.length !== labels.length * classes)
      throw new Error(`fitHeadWeights(): ${p.length} probabilities for ${labels.length} rows x ${classes} classes`);
  const logLikelihood = (weights: readonly number[]) => {
    let sum = 0;
    labels.forEach((label, r) => {
      let p = 0;
      for (let h = 0; h < heads; h++)
        p += (weights[h] as number) * (headProbabilities[h]![r * classes + label] as number);
      sum += Math.log(Math.max(p, 1e-12));
    });
    return sum / Math.max(1, labels.length);
  };
  let best = { weights: Array.from({ length: heads }, () => 1 / heads), score: 0 };
  best.score = logLikelihood(best.weights);
  const units = Math.round(1 / step);
  for (const point of simplexPoints(heads, units)) {
    const weights = point.map((u) => u / units);
    const score = logLikelihood(weights);
    if (score > best.score + 1e-12) best = { weights, score };
  }
  return best.weights;
}

/** Every way to give `units` units to `parts` parts (each >= 0). */
function* simplexPoints(parts: number, units: number): Generator<number[]> {
  if (parts === 1) {
    yield [units];
    return;
  }
  for (let first = 0; first <= units; first++)
    for (const rest of simplexPoints(parts - 1, units - first)) yield [first, ...rest];
}
