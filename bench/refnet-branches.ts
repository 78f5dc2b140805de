import * as tf from '@tensorflow/tfjs';
import { REFNET } from './refnet-model.ts';
import { FastLstm } from '../src/models/layers/fast-lstm.ts';
import { FastBatchNormalization } from '../src/models/layers/fast-batch-normalization.ts';
import { TemporalAttentionPooling } from '../src/models/layers/temporal-attention-pooling.ts';
import { SeededRandom } from '../src/core/random.ts';
import { medianMs } from './median-time.ts';

/**
 * RefNet's cost branch by branch, so the next bottleneck is visible: for each part, one training
 * step at batch 32 (forward + gradients for its weights and its input) and one batch-1 forward,
 * in milliseconds (median of the timed repetitions). The parts are built from the same layers as
 * bench/refnet-model.ts.
 */
export interface BranchCost {
  train_ms: number;
  infer_ms: number;
}

interface Branch {
  name: string;
  inputShape: number[];
  layers: () => tf.layers.Layer[];
}

const { imuSteps, imuChannels, keyFrames, frameFeatures, hidden, classes } = REFNET;
const BRANCHES: Branch[] = [
  {
    name: 'imu_conv',
    inputShape: [imuSteps, imuChannels],
    layers: () =>
      [0, 1].flatMap(() => [
        tf.layers.conv1d({ filters: 64, kernelSize: 5, padding: 'same' }),
        new FastBatchNormalization(),
        tf.layers.reLU(),
        tf.layers.maxPooling1d({ poolSize: 2 }),
      ]),
  },
  {
    name: 'imu_lstm',
    inputShape: [imuSteps / 4, 64],
    layers: () => [new FastLstm({ units: hidden, returnSequences: true })],
  },
  { name: 'imu_attention', inputShape: [imuSteps / 4, hidden], layers: () => [new TemporalAttentionPooling()] },
  {
    name: 'video_dense',
    inputShape: [keyFrames, frameFeatures],
    layers: () => [tf.layers.dense({ units: hidden, activation: 'relu' })],
  },
  {
    name: 'video_lstm',
    inputShape: [keyFrames, hidden],
    layers: () => [new FastLstm({ units: hidden, returnSequences: true })],
  },
  { name: 'video_attention', inputShape: [keyFrames, hidden], layers: () => [new TemporalAttentionPooling()] },
  {
    name: 'head',
    inputShape: [2 * hidden],
    layers: () => [tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: classes })],
  },
];

export function benchRefNetBranches(repeats: number): Record<string, BranchCost> {
  const rng = new SeededRandom(0);
  const out: Record<string, BranchCost> = {};
  for (const branch of BRANCHES) {
    const input = tf.input({ shape: branch.inputShape });
    let y: tf.SymbolicTensor = input;
    for (const layer of branch.layers()) y = layer.apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const batchShape = [REFNET.batch, ...branch.inputShape];
    const x = tf.tensor(
      Float32Array.from({ length: batchShape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      batchShape,
    );
    const x1 = tf.slice(x, 0, 1);
    const outShape = (model.outputs[0] as tf.SymbolicTensor).shape.map((d) => d ?? REFNET.batch);
    const r = tf.randomNormal(outShape, 0, 1, 'float32', 1);
    // The input is a variable too: in RefNet its gradient flows on to the layer below.
    const xVar = tf.variable(x, true);
    const vars = [xVar, ...model.trainableWeights.map((w) => w.read() as tf.Variable)];
    const train = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.apply(xVar, { training: true }) as tf.Tensor, r)) as tf.Scalar,
        vars,
      );
      (grads[xVar.name] as tf.Tensor).dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    const infer = () => {
      const p = model.predict(x1) as tf.Tensor;
      p.dataSync();
      p.dispose();
    };
    out[branch.name] = { train_ms: medianMs(train, repeats), infer_ms: medianMs(infer, repeats * 4) };
    tf.dispose([x, x1, r, xVar]);
    model.dispose();
  }
  return out;
}
