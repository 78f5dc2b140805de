import * as tf from '@tensorflow/tfjs';
import {
  CONV2D_BIAS_RELU_POOL,
  conv2dBiasReluPoolShape,
  type Conv2dBiasReluPoolAttrs,
} from '../../backend/wasm-kernels/conv2d-bias-relu-pool.ts';
import { WORKSPACE, type WorkspaceAttrs } from '../../backend/wasm-kernels/workspace.ts';

/**
 * maxPool2x2(relu(conv2d(x, filter) + bias)) (or without the ReLU), NHWC, 2x2 pooling of stride
 * 2 with valid padding, as one kernel with its own gradient (CONV2D_BIAS_RELU_POOL: why, there).
 * Only where the backend has that kernel: see conv2dBiasReluPoolAvailable.
 */
export function conv2dBiasReluPool(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  attrs: Conv2dBiasReluPoolAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const shape = conv2dBiasReluPoolShape(x.shape, filter.shape, attrs);
    const workspace: WorkspaceAttrs = { shape, dtype: 'int32' };
    const argmax = tf.engine().runKernel(WORKSPACE, {}, workspace as unknown as tf.NamedAttrMap) as tf.Tensor;
    return tf
      .engine()
      .runKernel(
        CONV2D_BIAS_RELU_POOL,
        { x, filter, bias, argmax },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor4D;
  });
}

export { conv2dBiasReluPoolShape };

/** Whether conv2dBiasReluPool can run on the current backend. */
export function conv2dBiasReluPoolAvailable(): boolean {
  return tf.getKernel(CONV2D_BIAS_RELU_POOL, tf.getBackend()) !== undefined;
}
