import * as tf from '@tensorflow/tfjs';
import { buildRefNet, REFNET, type RefNetLayers } from './refnet-model.ts';
import { SeededRandom } from '../src/core/random.ts';

export interface RefNetResult {
  impl: string;
  backend: string;
  train_samples_per_s: number;
  infer_p50_ms: number;
  infer_p99_ms: number;
  train_steps: number;
  infer_runs: number;
}

/**
 * The RefNet benchmark, measured as the PyTorch anchor measures it: 3 warm-up steps, then
 * training steps (forward + backward + Adam update, batch 32, fixed synthetic batch) for
 * `seconds`; then 10 warm-up inferences at batch 1 and timed ones for `seconds / 2`.
 */
export async function benchRefNet(
  seconds: number,
  layers: RefNetLayers = 'fast',
  kernels = tf.getBackend(),
): Promise<RefNetResult> {
  const { batch, imuSteps, imuChannels, keyFrames, frameFeatures, classes } = REFNET;
  const rng = new SeededRandom(0);
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const imu = tf.tensor3d(normal(batch * imuSteps * imuChannels), [batch, imuSteps, imuChannels]);
  const video = tf.tensor3d(normal(batch * keyFrames * frameFeatures), [batch, keyFrames, frameFeatures]);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, () => rng.int(0, classes - 1)),
      'int32',
    ),
    classes,
  );

  const model = buildRefNet(0, layers);
  const optimizer = tf.train.adam(1e-3);
  const step = () => {
    const loss = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(labels, model.apply([imu, video], { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    // Reading the loss waits for the step to finish on asynchronous backends; it is one float.
    loss?.dataSync();
    loss?.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    step();
    steps++;
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  const imu1 = imu.slice([0, 0, 0], [1, imuSteps, imuChannels]);
  const video1 = video.slice([0, 0, 0], [1, keyFrames, frameFeatures]);
  const infer = () => {
    const y = model.predict([imu1, video1]) as tf.Tensor;
    y.dataSync();
    y.dispose();
  };
  for (let i = 0; i < 10; i++) infer();
  const latencies: number[] = [];
  const tEnd = performance.now() + (seconds * 1000) / 2;
  while (performance.now() < tEnd) {
    const s = performance.now();
    infer();
    latencies.push(performance.now() - s);
  }
  latencies.sort((p, q) => p - q);

  tf.dispose([imu, video, labels, imu1, video1]);
  model.dispose();
  optimizer.dispose();
  const round = (x: number, d: number) => Number(x.toFixed(d));
  return {
    impl: `motionfuse tfjs-${tf.version.tfjs} ${kernels}, ${layers} layers`,
    backend: tf.getBackend(),
    train_samples_per_s: round((steps * batch) / trainSeconds, 1),
    infer_p50_ms: round(latencies[Math.floor(latencies.length / 2)] as number, 3),
    infer_p99_ms: round(latencies[Math.floor(latencies.length * 0.99)] as number, 3),
    train_steps: steps,
    infer_runs: latencies.length,
  };
}
