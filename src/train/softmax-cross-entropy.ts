import * as tf from '@tensorflow/tfjs';
import { SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from '../backend/wasm-kernels/softmax-cross-entropy.ts';

/**
 * tf.losses.softmaxCrossEntropy(labels, logits) with its default reduction (the mean over the
 * batch), as one kernel forward and one backward where the backend has them (wasm, ours);
 * elsewhere tfjs's own. Same value within float rounding (computed in float64, rounded once).
 */
export function meanSoftmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  if (
    labels.rank !== 2 ||
    logits.rank !== 2 ||
    (labels.dtype !== 'float32' && labels.dtype !== 'int32') ||
    logits.dtype !== 'float32' ||
    tf.getKernel(SOFTMAX_CROSS_ENTROPY, tf.getBackend()) === undefined
  )
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  // tf.oneHot's labels are int32 (the trainer's and the benches'); tfjs's loss casts them too.
  return tf.tidy(() => fused(labels.dtype === 'int32' ? tf.cast(labels, 'float32') : labels, logits)) as tf.Scalar;
}

const fused = tf.customGrad((...args: unknown[]) => {
  const [labels, logits, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [loss, logProbs] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { labels, logits }, {}) as tf.Tensor[];
  save([logProbs as tf.Tensor, labels]);
  return {
    value: loss as tf.Tensor,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [logp, y] = saved as [tf.Tensor, tf.Tensor];
      return tf
        .engine()
        .runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logProbs: logp, labels: y }, {}) as tf.Tensor[];
    },
  };
});
