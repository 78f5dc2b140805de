import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../src/core/random.ts';
import type { EncoderContext } from '../src/models/encoders/encoder-builder.ts';
import { buildStgcnEncoder } from '../src/models/encoders/stgcn-encoder.ts';
import { DEFAULT_STGCN_OPTIONS, type StgcnOptions } from '../src/models/encoders/stgcn-options.ts';
import { buildTemporalCnnEncoder } from '../src/models/encoders/temporal-cnn-encoder.ts';
import { DEFAULT_TEMPORAL_CNN_OPTIONS } from '../src/models/encoders/temporal-cnn-options.ts';

/**
 * The pose and sequence encoders' cost: one training step at batch 32 (forward in training mode and
 * the gradients of every weight, with a dense layer to 10 classes on top), in milliseconds, on the
 * shapes the experiments feed them: kinect20 pose [32 frames, 20 joints x 9 channels] and IMU
 * [200 steps, 7 x 2 sensors]. The encoders take turns step by step, so a machine busy with other
 * work slows them alike and their ratios stay comparable; `cpu_ms` is the process's CPU time a
 * step (with one native thread, MOTIONFUSE_THREADS=1, the work itself).
 * `stgcn` replaces ST-GCN options, to compare sizes against the default.
 */
export interface EncoderCost {
  train_ms: number;
  cpu_ms: number;
  params: number;
}

const BATCH = 32;
const FRAMES = 32;
const POSE_WIDTH = 20 * 9;

interface Case {
  name: string;
  shape: number[];
  encode: (input: tf.SymbolicTensor, context: EncoderContext) => tf.SymbolicTensor;
}

export function benchEncoders(repeats: number, stgcn: Partial<StgcnOptions>[] = []): Record<string, EncoderCost> {
  const stgcnCases = [{}, ...stgcn].map((options, i): Case => ({
    name: i === 0 ? 'stgcn_pose' : `stgcn_pose_${JSON.stringify(options)}`,
    shape: [FRAMES, POSE_WIDTH],
    encode: (input, context) =>
      buildStgcnEncoder(input, { ...DEFAULT_STGCN_OPTIONS, ...options }, { ...context, joints: 'kinect20' }).tensor,
  }));
  const tcn = (input: tf.SymbolicTensor, context: EncoderContext) =>
    buildTemporalCnnEncoder(input, DEFAULT_TEMPORAL_CNN_OPTIONS, context).tensor;
  const cases: Case[] = [
    ...stgcnCases,
    { name: 'temporal_cnn_pose', shape: [FRAMES, POSE_WIDTH], encode: tcn },
    { name: 'temporal_cnn_imu', shape: [200, 14], encode: tcn },
  ];
  const rng = new SeededRandom(0);
  const runs = cases.map(({ name, shape, encode }) => {
    let seed = 0;
    const input = tf.input({ shape });
    const features = encode(input, { modality: 'pose', shape, nextSeed: () => seed++ });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 10 }).apply(features) as tf.SymbolicTensor,
    });
    const batchShape = [BATCH, ...shape];
    const x = tf.tensor(
      Float32Array.from({ length: batchShape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      batchShape,
    );
    const r = tf.randomNormal([BATCH, 10], 0, 1, 'float32', 1);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar,
        vars,
      );
      (grads[(vars[0] as tf.Variable).name] as tf.Tensor).dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    step();
    return { name, model, step, x, r, wall: [] as number[], cpu: [] as number[] };
  });
  for (let i = 0; i < repeats; i++) {
    for (const run of runs) {
      const t = performance.now();
      const c = process.cpuUsage();
      run.step();
      const used = process.cpuUsage(c);
      run.wall.push(performance.now() - t);
      run.cpu.push((used.user + used.system) / 1000);
    }
  }
  const out: Record<string, EncoderCost> = {};
  for (const run of runs) {
    out[run.name] = { train_ms: median(run.wall), cpu_ms: median(run.cpu), params: run.model.countParams() };
    tf.dispose([run.x, run.r]);
    run.model.dispose();
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.floor(sorted.length / 2)] as number).toFixed(2));
}
