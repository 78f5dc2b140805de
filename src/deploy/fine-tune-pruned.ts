import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../core/random.ts';
import type { InputSet } from '../inputs/input-spec.ts';
import { inputTensors, labelTensor, type InputPipeline } from '../train/batches.ts';
import { adamOptimizer } from '../train/fused-adam.ts';
import { meanSoftmaxCrossEntropy } from '../train/softmax-cross-entropy.ts';
import { applyMasks, type PruneMasks } from './prune-kernels.ts';

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/**
 * Fine-tunes a pruned model on `rows` (the fold's training rows) with its masks held: after every
 * Adam step the pruned weights are set back to 0, so the sparsity stays what pruning made it.
 * The loss is the cross-entropy of the prediction (the first output); training-only heads rest.
 * Returns each epoch's mean loss.
 */
export async function fineTunePruned(
  model: tf.LayersModel,
  set: InputSet,
  rows: readonly number[],
  pipeline: InputPipeline,
  classes: number,
  masks: PruneMasks,
  options: FineTuneOptions,
): Promise<number[]> {
  if (rows.length === 0) throw new Error('fineTunePruned(): no training rows');
  const optimizer = adamOptimizer(options.learningRate);
  const rng = new SeededRandom(options.seed).fork('fine-tune');
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.shuffle([...rows]);
      let sum = 0;
      for (let b = 0; b < order.length; b += options.batchSize) {
        const batch = order.slice(b, b + options.batchSize);
        const xs = inputTensors(set, batch, pipeline);
        const ys = labelTensor(set, batch, classes);
        const loss = optimizer.minimize(() => {
          const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
          return meanSoftmaxCrossEntropy(ys, Array.isArray(out) ? (out[0] as tf.Tensor) : out);
        }, true);
        applyMasks(masks.masks);
        sum += ((await loss?.data())?.[0] ?? 0) * batch.length;
        tf.dispose([...xs, ys, loss as tf.Tensor]);
      }
      losses.push(sum / order.length);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}
