import * as tf from '@tensorflow/tfjs';
import {
  TEMPORAL_BLOCK,
  temporalConvInfo,
  type TemporalBlockAttrs,
} from '../../backend/wasm-kernels/temporal-block.ts';
import { WORKSPACE, type WorkspaceAttrs } from '../../backend/wasm-kernels/workspace.ts';

/**
 * maxPool1d(relu(batchNorm(conv1d(x, filter)))) in training (the batch's own moments; pooling of
 * 2 over time, stride 2, valid) as one kernel with its gradient (TEMPORAL_BLOCK: why, there).
 * x [batch, steps, inC], filter [k, inC, outC] -> y [batch, floor(outSteps / 2), outC], and the
 * batch's mean and biased variance [outC] for the caller's moving averages (dispose them). Only
 * where the backend has the kernel: see temporalBlockAvailable.
 */
export function temporalBlock(
  x: tf.Tensor3D,
  filter: tf.Tensor3D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  attrs: TemporalBlockAttrs,
): { y: tf.Tensor3D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const info = temporalConvInfo(x.shape, filter.shape, attrs);
  const workspace = (shape: number[], dtype: WorkspaceAttrs['dtype']) =>
    tf.engine().runKernel(WORKSPACE, {}, { shape, dtype } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const z = workspace([info.batchSize, info.outWidth, info.outChannels], 'float32');
  const argmax = workspace([info.batchSize, Math.floor(info.outWidth / 2), info.outChannels], 'int32');
  const [y, mean, variance] = tf
    .engine()
    .runKernel(TEMPORAL_BLOCK, { x, filter, gamma, beta, z, argmax }, attrs as unknown as tf.NamedAttrMap) as [
    tf.Tensor3D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  tf.dispose([z, argmax]); // the kernel's saved copies live on for the gradient
  return { y, mean, variance };
}

/** The steps of temporalBlock's output: half the convolution's, rounded down. */
export function temporalBlockSteps(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<TemporalBlockAttrs, 'pad' | 'dilation'>,
): number {
  return Math.floor(temporalConvInfo(xShape, filterShape, attrs).outWidth / 2);
}

/** Whether temporalBlock can run on the current backend. */
export function temporalBlockAvailable(): boolean {
  return tf.getKernel(TEMPORAL_BLOCK, tf.getBackend()) !== undefined;
}
