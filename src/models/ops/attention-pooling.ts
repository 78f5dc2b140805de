import * as tf from '@tensorflow/tfjs';
import { recordingGradients } from './recording-gradients.ts';
import { ATTENTION_POOLING, ATTENTION_POOLING_GRAD } from '../../backend/wasm-kernels/native-attention-pooling.ts';

/**
 * Additive attention pooling over time: s_t = v . tanh(W x_t + b), w = softmax_t(s),
 * out = sum_t w_t x_t; x [B, T, F], kernel W [F, U], bias b [U], context v [U, 1] -> [B, F].
 * Where the wasm backend has the native kernel it runs as one kernel forward (keeping the
 * activations only when gradients are being recorded) and one backward; elsewhere as the stock
 * ops, which the tape differentiates.
 */
export function attentionPooling(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  context: tf.Tensor2D,
): tf.Tensor2D {
  if (tf.getBackend() === 'wasm' && tf.getKernel(ATTENTION_POOLING, 'wasm') !== undefined) {
    if (!recordingGradients()) {
      return tf.engine().runKernel(ATTENTION_POOLING, { x, kernel, bias, context }, {}) as tf.Tensor2D;
    }
    return fusedAttentionPooling(x, kernel, bias, context) as tf.Tensor2D;
  }
  return attentionPoolingOps(x, kernel, bias, context);
}

const fusedAttentionPooling = tf.customGrad((...args: unknown[]) => {
  const [x, kernel, bias, context, save] = args as [
    tf.Tensor3D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Tensor2D,
    tf.GradSaveFunc,
  ];
  const [out, hidden, weights] = tf
    .engine()
    .runKernel(ATTENTION_POOLING, { x, kernel, bias, context }, { keepActivations: true }) as tf.Tensor[];
  save([x, kernel, context, hidden as tf.Tensor, weights as tf.Tensor]);
  return {
    value: out as tf.Tensor,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sx, sk, sc, sh, sw] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return tf
        .engine()
        .runKernel(
          ATTENTION_POOLING_GRAD,
          { dy: dy as tf.Tensor, x: sx, kernel: sk, context: sc, hidden: sh, weights: sw },
          {},
        ) as tf.Tensor[];
    },
  };
});

/** The same computation in stock tfjs ops (any backend). */
export function attentionPoolingOps(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  context: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => tf.sum(tf.mul(x, tf.expandDims(attentionWeightsOps(x, kernel, bias, context), 2)), 1));
}

/** The weights over time, [B, T], summing to 1 per row, in stock ops. */
export function attentionWeightsOps(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  context: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, time, features] = x.shape;
    const flat = tf.reshape(x, [batch * time, features]);
    const hidden = tf.tanh(tf.add(tf.matMul(flat, kernel), bias));
    const scores = tf.reshape(tf.matMul(hidden, context), [batch, time]);
    return tf.softmax(scores, 1) as tf.Tensor2D;
  });
}
