import * as tf from '@tensorflow/tfjs';
import { buildRefNet, REFNET, type RefNetLayers } from './refnet-model.ts';
import { SeededRandom } from '../src/core/random.ts';
import { compileInference } from '../src/models/inference/compile-inference.ts';
import { adamOptimizer } from '../src/train/fused-adam.ts';
import { meanSoftmaxCrossEntropy } from '../src/train/softmax-cross-entropy.ts';

export interface RefNetResult {
  impl: string;
  backend: string;
  train_samples_per_s: number;
  infer_p50_ms: number;
  infer_p99_ms: number;
  train_steps: number;
  infer_runs: number;
}

/** Batch-1 inference through compileInference (default) or tfjs's model.predict. */
export type RefNetInference = 'compiled' | 'tfjs';

function inferenceName(inference: RefNetInference, compileFailure: string | undefined): string {
  if (inference === 'tfjs') return 'tfjs inference';
  return compileFailure === undefined ? 'compiled inference' : `tfjs inference (not compiled: ${compileFailure})`;
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
  inference: RefNetInference = 'compiled',
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
  const optimizer = adamOptimizer(1e-3);
  const step = () => {
    const loss = optimizer.minimize(
      () => meanSoftmaxCrossEntropy(labels, model.apply([imu, video], { training: true }) as tf.Tensor),
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
  // Compiled: the forward as native calls on preallocated buffers (src/models/inference); tfjs: model.predict.
  const compiled = inference === 'compiled' ? compileInference(model) : undefined;
  const inputs = [imu1.dataSync() as Float32Array, video1.dataSync() as Float32Array];
  const infer =
    compiled?.compiled !== undefined
      ? () => void compiled.compiled.predict(inputs)
      : () => {
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
    impl: `motionfuse tfjs-${tf.version.tfjs} ${kernels}, ${layers} layers, ${inferenceName(inference, compiled?.reason)}`,
    backend: tf.getBackend(),
    train_samples_per_s: round((steps * batch) / trainSeconds, 1),
    infer_p50_ms: round(latencies[Math.floor(latencies.length / 2)] as number, 3),
    infer_p99_ms: round(latencies[Math.floor(latencies.length * 0.99)] as number, 3),
    train_steps: steps,
    infer_runs: latencies.length,
  };
}
