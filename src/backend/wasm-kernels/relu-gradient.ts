import * as tf from '@tensorflow/tfjs';

/**
 * ReLU's gradient as one kernel where the backend has it (the native addon's, native-relu.ts).
 * tfjs-core computes it as mul(dy, cast(step(x), 'float32')): three kernels and two full-size
 * temporaries per ReLU layer. RELU_GRAD computes the same product dy * s, s = 1 where x > 0, NaN
 * where x is NaN, else 0 (the WASM package's Step), so values are bit for bit tfjs's.
 */
export const RELU_GRAD = 'MotionfuseReluGrad';

/**
 * Makes Relu's gradient use RELU_GRAD where the active backend has it (float32 only); anywhere
 * else it is tfjs-core's own formula. Gradients are global in tfjs, hence the check per call.
 */
export function registerReluGradient(): void {
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const grad = dy as tf.Tensor;
      const fused =
        x.dtype === 'float32' && grad.dtype === 'float32' && tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined;
      return {
        x: () =>
          fused
            ? (tf.engine().runKernel(RELU_GRAD, { dy: grad, x }) as tf.Tensor)
            : tf.mul(grad, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
}
