import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAINING } from '../../backend/wasm-kernels/native-batch-norm.ts';

/**
 * Batch normalisation in training over the rows of x [N, C]:
 *   y = gamma (x - mean) / sqrt(var + epsilon) + beta,  mean and var (biased) over the N rows,
 * with its gradient written out rather than taped. With xhat = (x - mean) / sqrt(var + epsilon)
 * and s = gamma / sqrt(var + epsilon):
 *   dbeta = sum_n dy,  dgamma = sum_n dy xhat,  dx = s dy - (s dgamma / N) xhat - s dbeta / N
 * tfjs-layers' BatchNormalization reaches the same numbers through moments, the FusedBatchNorm
 * kernel (slow on WASM: about 3.5 ns a value) and their taped gradients, with about a third more
 * kernels over the whole tensor. On ST-GCN's [batch, time, joints, channels] activations its
 * BatchNorms were 40% of a training step, and this made the step about 28% shorter. Also returns
 * the batch's mean and variance (for the moving averages): they carry no gradient, and belong to
 * the caller outside any tidy (dispose them). On the WASM backend with the native addon, the
 * forward and the gradient are one kernel each (MotionfuseBatchNormTraining and its gradient).
 */
export function batchNormTraining(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor2D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const C = x.shape[1];
  if (x.rank !== 2 || gamma.shape[0] !== C || beta.shape[0] !== C)
    throw new Error(
      `batchNormTraining(): x must be [rows, channels] with gamma and beta [channels], got x [${x.shape}], gamma [${gamma.shape}], beta [${beta.shape}]`,
    );
  if (tf.getBackend() === 'wasm' && tf.getKernel(BATCH_NORM_TRAINING, 'wasm') !== undefined) {
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x, gamma, beta }, { epsilon }) as [
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    return { y, mean, variance };
  }
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const normalise = tf.customGrad((...args: unknown[]) => {
    const [input, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const batchMean = tf.mean(input, 0) as tf.Tensor1D;
    const centred = tf.sub(input, batchMean);
    const batchVariance = tf.mean(tf.square(centred), 0) as tf.Tensor1D;
    // Kept: tfjs disposes what the forward function made, all but its value and saved tensors.
    [mean, variance] = [tf.keep(batchMean), tf.keep(batchVariance)];
    const inverse = tf.rsqrt(tf.add(batchVariance, epsilon));
    const xhat = tf.mul(centred, inverse);
    const scale = tf.mul(g, inverse);
    save([xhat, scale]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const grad = dy as tf.Tensor2D;
        const [sxhat, sscale] = saved as [tf.Tensor2D, tf.Tensor1D];
        const rows = grad.shape[0];
        const dbeta = tf.sum(grad, 0);
        const dgamma = tf.sum(tf.mul(grad, sxhat), 0);
        const perRow = tf.div(sscale, rows);
        const dx = tf.add(
          tf.add(tf.mul(grad, sscale), tf.mul(sxhat, tf.neg(tf.mul(perRow, dgamma)))),
          tf.neg(tf.mul(perRow, dbeta)),
        );
        return [dx, dgamma, dbeta];
      },
    };
  });
  const y = normalise(x, gamma, beta) as tf.Tensor2D;
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
