import type * as tf from '@tensorflow/tfjs';
import { plannedTensor, type LayerCompiler } from './inference-plan.ts';

/**
 * LogMeanProbabilities (late fusion): log(max(sum_k w_k softmax(logits_k), 1e-12)) per row, with
 * the layer's head weights (equal when it has none), as its call computes it.
 */
export const compileLogMeanProbabilities: LayerCompiler = ({ layer, inputs, outputShape }) => {
  const heads = inputs.map((t) => t.buffer);
  const fitted = (layer as tf.layers.Layer & { weightsOfHeads?: readonly number[] }).weightsOfHeads;
  const weights = Float64Array.from(fitted ?? heads.map(() => 1 / heads.length));
  if (weights.length !== heads.length) return `${heads.length} heads but ${weights.length} weights`;
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  const C = outputShape[outputShape.length - 1]!;
  return {
    output,
    steps: [
      () => {
        y.fill(0);
        for (let k = 0; k < heads.length; k++) {
          const x = heads[k]!;
          const w = weights[k]!;
          for (let r = 0; r < y.length; r += C) {
            let max = -Infinity;
            for (let j = 0; j < C; j++) max = Math.max(max, x[r + j] as number);
            let sum = 0;
            for (let j = 0; j < C; j++) sum += Math.exp((x[r + j] as number) - max);
            for (let j = 0; j < C; j++)
              y[r + j] = (y[r + j] as number) + (w * Math.exp((x[r + j] as number) - max)) / sum;
          }
        }
        for (let i = 0; i < y.length; i++) y[i] = Math.log(Math.max(y[i] as number, 1e-12));
      },
    ],
  };
};
