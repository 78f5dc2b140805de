import * as tf from '@tensorflow/tfjs';

export interface TrainingProbe {
  ok: boolean;
  /** On success, the loss before and after a few Adam steps; on failure, the error. */
  detail: string;
}

/**
 * Proves that the active backend can train what motionfuse trains: a conv1d (through conv2d
 * and its filter gradient), BatchNorm, an LSTM and a dense head take a few Adam steps on a tiny
 * fixed problem, and the loss must be finite and fall. It disposes what it made.
 */
export async function probeTraining(): Promise<TrainingProbe> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv1d({
        inputShape: [16, 3],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.lstm({
        units: 4,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: 3 }),
      }),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
      }),
    ],
  });
  const optimizer = tf.train.adam(0.05);
  try {
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const [x, y] = tf.tidy(() => {
      // Class 1 has a rising ramp on channel 0, class 0 a falling one: learnable in a few steps.
      const t = tf.linspace(-1, 1, 16);
      const up = tf.stack([t, tf.zerosLike(t), tf.zerosLike(t)], 1);
      const down = tf.stack([tf.neg(t), tf.zerosLike(t), tf.zerosLike(t)], 1);
      const xs = tf.stack([up, down, up, down]);
      const ys = tf.tensor2d([
        [0, 1],
        [1, 0],
        [0, 1],
        [1, 0],
      ]);
      return [xs, ys];
    });
    const history = await model.fit(x, y, { epochs: 8, batchSize: 4, verbose: 0, shuffle: false });
    x.dispose();
    y.dispose();
    const loss = history.history['loss'] as number[];
    const first = loss[0] ?? Number.NaN;
    const last = loss[loss.length - 1] ?? Number.NaN;
    if (!Number.isFinite(first) || !Number.isFinite(last))
      return { ok: false, detail: `loss is not finite (${first} -> ${last})` };
    if (!(last < first)) return { ok: false, detail: `loss did not fall (${first.toFixed(4)} -> ${last.toFixed(4)})` };
    return { ok: true, detail: `loss ${first.toFixed(4)} -> ${last.toFixed(4)} in 8 Adam steps` };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
