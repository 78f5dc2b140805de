import * as tf from '@tensorflow/tfjs';

/**
 * Mixes features across joints: out[n, r, c] = sum_w a[r, w] x[n, w, c], for a [R, V] and
 * x [N, V, C]. One broadcast matrix product (a against every x[n]), with no transpose in memory.
 * tfjs 4.22 computes such a product but not its gradient (BatchMatMul's gradient for a comes out
 * [N, R, V] and the tape rejects it), so the gradient is given here:
 *   dx = a^T dy (broadcast again), da = sum_n dy[n] x[n]^T.
 * `mixJointsFixed` is the same for a constant `a`: no gradient for it is computed.
 */
export function mixJoints(a: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor3D {
  checkShapes('mixJoints', a, x);
  return mixLearned(a, x) as tf.Tensor3D;
}

export function mixJointsFixed(a: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor3D {
  checkShapes('mixJointsFixed', a, x);
  const mix = tf.customGrad((...args: unknown[]) => {
    const [input, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
    save([]);
    return {
      value: tf.matMul(a, input),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.matMul(a, dy as tf.Tensor3D, true, false)],
    };
  });
  return mix(x) as tf.Tensor3D;
}

const mixLearned = tf.customGrad((...args: unknown[]) => {
  const [a, x, save] = args as [tf.Tensor2D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, x]);
  return {
    value: tf.matMul(a, x),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sx] = saved as [tf.Tensor2D, tf.Tensor3D];
      const g = dy as tf.Tensor3D;
      return [tf.sum(tf.matMul(g, sx, false, true), 0), tf.matMul(sa, g, true, false)];
    },
  };
});

function checkShapes(op: string, a: tf.Tensor, x: tf.Tensor): void {
  if (a.rank !== 2) throw new Error(`${op}(): a must be [rows, joints], got [${a.shape}]`);
  if (x.rank !== 3 || x.shape[1] !== a.shape[1])
    throw new Error(`${op}(): x must be [batch, ${a.shape[1]}, channels] for a [${a.shape}], got [${x.shape}]`);
}
