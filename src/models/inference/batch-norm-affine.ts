import type * as tf from '@tensorflow/tfjs';
import { configOf, plannedTensor, type LayerCompiler } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';

const BATCH_NORM_CLASSES = new Set(['BatchNormalization', 'FastBatchNormalization']);

/** Whether `layer` is a batch normalisation over the last axis (the only kind compiled). */
export function isLastAxisBatchNorm(layer: tf.layers.Layer, rank: number): boolean {
  if (!BATCH_NORM_CLASSES.has(layer.getClassName())) return false;
  const axis = configOf(layer)['axis'];
  return axis === undefined || axis === -1 || axis === rank - 1;
}

/**
 * BatchNorm at inference as y = x * scale + shift per channel, from the moving statistics as
 * tf.batchNorm uses them: scale = gamma / sqrt(variance + epsilon), shift = beta - mean * scale
 * (gamma 1 / beta 0 when the layer has no scale / center).
 */
export function batchNormAffine(layer: tf.layers.Layer): { scale: Float32Array; shift: Float32Array } {
  const w = layerWeights(layer);
  const mean = requiredWeight(w, 'moving_mean', layer);
  const variance = requiredWeight(w, 'moving_variance', layer);
  const gamma = w.get('gamma');
  const beta = w.get('beta');
  const epsilon = Number(configOf(layer)['epsilon'] ?? 1e-3);
  const scale = new Float32Array(mean.length);
  const shift = new Float32Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    const s = (gamma?.[c] ?? 1) / Math.sqrt((variance[c] as number) + epsilon);
    scale[c] = s;
    shift[c] = (beta?.[c] ?? 0) - (mean[c] as number) * s;
  }
  return { scale, shift };
}

/** A BatchNorm that could not be folded into a convolution or dense layer: one affine pass. */
export const compileBatchNorm: LayerCompiler = ({ layer, inputs, outputShape }) => {
  if (!isLastAxisBatchNorm(layer, outputShape.length)) return 'only batch normalisation over the last axis is compiled';
  const x = inputs[0]!.buffer;
  const { scale, shift } = batchNormAffine(layer);
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  const C = scale.length;
  return {
    output,
    steps: [
      () => {
        for (let i = 0; i < y.length; i += C)
          for (let c = 0; c < C; c++) y[i + c] = (x[i + c] as number) * (scale[c] as number) + (shift[c] as number);
      },
    ],
  };
};
