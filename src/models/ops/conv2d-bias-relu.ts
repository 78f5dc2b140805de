import * as tf from '@tensorflow/tfjs';
import { CONV2D_BIAS_RELU, type Conv2dBiasReluAttrs } from '../../backend/wasm-kernels/conv2d-bias-relu.ts';

/**
 * relu(conv2d(x, filter) + bias) (or without the ReLU), NHWC, as one kernel with its own gradient
 * (CONV2D_BIAS_RELU: why, there). Only where the backend has that kernel: see
 * conv2dBiasReluAvailable.
 */
export function conv2dBiasRelu(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  attrs: Conv2dBiasReluAttrs,
): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(CONV2D_BIAS_RELU, { x, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Whether conv2dBiasRelu can run on the current backend. */
export function conv2dBiasReluAvailable(): boolean {
  return tf.getKernel(CONV2D_BIAS_RELU, tf.getBackend()) !== undefined;
}
