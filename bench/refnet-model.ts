import * as tf from '@tensorflow/tfjs';
import { TemporalAttentionPooling } from '../src/models/layers/temporal-attention-pooling.ts';
import { FastLstm } from '../src/models/layers/fast-lstm.ts';
import { FastBatchNormalization } from '../src/models/layers/fast-batch-normalization.ts';

/**
 * RefNet, the reference fusion network of ../shared/BENCHMARK.md, layer for layer as the PyTorch
 * anchor (../shared/bench/torch_reference.py) builds it:
 *   imu   [B, 200, 18] -> conv1d(64, k5, same) + BN + ReLU -> maxpool 2 -> conv1d(64, k5, same) + BN + ReLU -> maxpool 2
 *   video [B, 8, 256]  -> dense(128) + ReLU
 *   each -> LSTM(128, sequences) -> additive temporal attention pooling
 *   concat [B, 256] -> dropout 0.5 -> dense(10) logits (softmax cross-entropy in the loss)
 * The LSTM gates use the logistic sigmoid, as PyTorch's (tfjs's default is the hard sigmoid).
 * `layers: 'fast'` (default) uses motionfuse's FastLstm and FastBatchNormalization; 'stock' uses tf.layers.lstm
 * and tf.layers.batchNormalization, to measure the gain.
 */
export type RefNetLayers = 'fast' | 'stock';
export const REFNET = {
  batch: 32,
  imuSteps: 200,
  imuChannels: 18,
  keyFrames: 8,
  frameFeatures: 256,
  hidden: 128,
  classes: 10,
} as const;

export function buildRefNet(seed = 0, layers: RefNetLayers = 'fast'): tf.LayersModel {
  const { imuSteps, imuChannels, keyFrames, frameFeatures, hidden, classes } = REFNET;
  let s = seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: s++ });

  const imu = tf.input({ shape: [imuSteps, imuChannels], name: 'imu' });
  let a: tf.SymbolicTensor = imu;
  for (let i = 0; i < 2; i++) {
    a = tf.layers
      .conv1d({ filters: 64, kernelSize: 5, padding: 'same', kernelInitializer: glorot(), name: `imu_conv${i + 1}` })
      .apply(a) as tf.SymbolicTensor;
    const bn = { name: `imu_bn${i + 1}` };
    const norm = layers === 'fast' ? new FastBatchNormalization(bn) : tf.layers.batchNormalization(bn);
    a = norm.apply(a) as tf.SymbolicTensor;
    a = tf.layers.reLU({ name: `imu_relu${i + 1}` }).apply(a) as tf.SymbolicTensor;
    a = tf.layers.maxPooling1d({ poolSize: 2, name: `imu_pool${i + 1}` }).apply(a) as tf.SymbolicTensor;
  }
  const lstm = (name: string) =>
    layers === 'fast'
      ? new FastLstm({ units: hidden, returnSequences: true, seed: s++, name })
      : stockLstm(hidden, glorot(), glorot(), name);
  a = lstm('imu_lstm').apply(a) as tf.SymbolicTensor;
  a = new TemporalAttentionPooling({ seed: s++, name: 'imu_attention' }).apply(a) as tf.SymbolicTensor;

  const video = tf.input({ shape: [keyFrames, frameFeatures], name: 'video' });
  let v = tf.layers
    .dense({ units: hidden, activation: 'relu', kernelInitializer: glorot(), name: 'video_dense' })
    .apply(video) as tf.SymbolicTensor;
  v = lstm('video_lstm').apply(v) as tf.SymbolicTensor;
  v = new TemporalAttentionPooling({ seed: s++, name: 'video_attention' }).apply(v) as tf.SymbolicTensor;

  let out = tf.layers.concatenate({ name: 'fuse' }).apply([a, v]) as tf.SymbolicTensor;
  out = tf.layers.dropout({ rate: 0.5, seed: s++, name: 'dropout' }).apply(out) as tf.SymbolicTensor;
  out = tf.layers
    .dense({ units: classes, kernelInitializer: glorot(), name: 'logits' })
    .apply(out) as tf.SymbolicTensor;
  return tf.model({ inputs: [imu, video], outputs: out, name: 'refnet' });
}

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

function stockLstm(units: number, kernel: Initializer, recurrent: Initializer, name: string) {
  return tf.layers.lstm({
    units,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    kernelInitializer: kernel,
    recurrentInitializer: recurrent,
    name,
  });
}
