import * as tf from '@tensorflow/tfjs';
import { LSTM_SEQUENCE_FORWARD } from '../../backend/wasm-kernels/lstm-sequence-forward.ts';
import { LSTM_SEQUENCE_BACKWARD } from '../../backend/wasm-kernels/lstm-sequence-backward.ts';

/**
 * An LSTM over a whole sequence: x [B, T, I] -> h [B, T, H], zero initial state, gate order
 * i, f, g, o with sigmoid gates and tanh cell (tf.layers.lstm with recurrentActivation 'sigmoid',
 * and PyTorch's nn.LSTM). On the WASM backend it runs as two fused kernels (forward recurrence and
 * hand-derived BPTT); on any other backend (tfjs-node, tfjs-node-gpu, cpu) as plain tfjs ops that
 * the tape differentiates, with the input projection done for all steps at once.
 */
export function lstmSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor3D {
  checkShapes(x, kernel, recurrentKernel, bias);
  if (tf.getBackend() === 'wasm' && tf.getKernel(LSTM_SEQUENCE_FORWARD, 'wasm') !== undefined) {
    return fusedLstm(x, kernel, recurrentKernel, bias) as tf.Tensor3D;
  }
  return lstmSequenceOps(x, kernel, recurrentKernel, bias);
}

const fusedLstm = tf.customGrad((...args: unknown[]) => {
  const [x, kernel, recurrentKernel, bias, save] = args as [
    tf.Tensor3D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.GradSaveFunc,
  ];
  const [h, c, tanhC, gates] = tf
    .engine()
    .runKernel(LSTM_SEQUENCE_FORWARD, { x, kernel, recurrentKernel, bias }, {}) as tf.Tensor[];
  save([x, kernel, recurrentKernel, h as tf.Tensor, c as tf.Tensor, tanhC as tf.Tensor, gates as tf.Tensor]);
  return {
    value: h as tf.Tensor,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sx, sk, sr, sh, sc, stc, sg] = saved as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      return tf
        .engine()
        .runKernel(
          LSTM_SEQUENCE_BACKWARD,
          { dy: dy as tf.Tensor, x: sx, kernel: sk, recurrentKernel: sr, h: sh, c: sc, tanhC: stc, gates: sg },
          {},
        ) as tf.Tensor[];
    },
  };
});

/** The same computation in plain tfjs ops (any backend; differentiated by the tape). */
export function lstmSequenceOps(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, I] = x.shape;
    const H = recurrentKernel.shape[0];
    const proj = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), kernel), bias), [B, T, 4 * H]);
    // Slices rather than tf.unstack: unstack's gradient throws when T = 1 (tfjs 4.22's Unpack_grad
    // gets a lone tensor instead of an array), which also breaks tf.layers.lstm on one-step input.
    const step = (t: number) => tf.reshape(tf.slice(proj, [0, t, 0], [B, 1, 4 * H]), [B, 4 * H]) as tf.Tensor2D;
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      // Also at t = 0 (h = 0): the recurrent kernel then stays connected to the loss, so its
      // gradient is a true zero for one-step input rather than tfjs's "not connected" error.
      const z = tf.add(step(t), tf.matMul(h, recurrentKernel));
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
      outputs.push(h);
    }
    return tf.stack(outputs, 1) as tf.Tensor3D;
  });
}

function checkShapes(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor): void {
  if (x.rank !== 3) throw new Error(`lstmSequence(): x must be [batch, time, features], got [${x.shape}]`);
  const H = recurrentKernel.shape[0] as number;
  if (recurrentKernel.rank !== 2 || recurrentKernel.shape[1] !== 4 * H) {
    throw new Error(`lstmSequence(): recurrentKernel must be [units, 4 * units], got [${recurrentKernel.shape}]`);
  }
  if (kernel.rank !== 2 || kernel.shape[0] !== x.shape[2] || kernel.shape[1] !== 4 * H) {
    throw new Error(
      `lstmSequence(): kernel must be [${x.shape[2]}, ${4 * H}] for x [${x.shape}], got [${kernel.shape}]`,
    );
  }
  if (bias.rank !== 1 || bias.shape[0] !== 4 * H)
    throw new Error(`lstmSequence(): bias must be [${4 * H}], got [${bias.shape}]`);
}
