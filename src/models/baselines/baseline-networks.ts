import * as tf from '@tensorflow/tfjs';
import { convThenMaxPool } from '../layers/fast-conv2d.ts';
import { FastLstm } from '../layers/fast-lstm.ts';
import { FastBatchNormalization } from '../layers/fast-batch-normalization.ts';
import { SelectFrame } from '../layers/select-frame.ts';

/**
 * The source paper's network baselines:
 * - single-frame CNN: the middle key frame alone through a CNN (no motion over time);
 * - LSTM: an LSTM over the raw IMU sequence, no convolutional features (its last state classified);
 * - two-stream CNN: a spatial stream (the middle key frame) and a temporal stream (the optical
 *   flow between consecutive key frames, stacked as channels), each a CNN, fused late by
 *   concatenating their features (Simonyan and Zisserman's design, small).
 */
export function buildSingleFrameCnn(
  videoShape: number[],
  classes: number,
  seed: number,
  filters: readonly number[] = [8, 16, 32, 32],
): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const input = tf.input({ shape: videoShape, name: 'video' });
  let x = new SelectFrame({ index: Math.floor((videoShape[0] as number) / 2), name: 'middle_frame' }).apply(
    input,
  ) as tf.SymbolicTensor;
  filters.forEach((f, i) => {
    x = convThenMaxPool(
      x,
      {
        filters: f,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
        name: `conv${i + 1}`,
      },
      { poolSize: 2, name: `pool${i + 1}` },
    );
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 64, activation: 'relu', kernelInitializer: init(), name: 'features' })
    .apply(x) as tf.SymbolicTensor;
  x = new FastBatchNormalization({ momentum: 0.9, name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.5, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: classes, kernelInitializer: init(), name: 'logits' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'single_frame_cnn' });
}

export function buildTwoStreamCnn(
  videoShape: number[],
  flowShape: number[],
  classes: number,
  seed: number,
  filters: readonly number[] = [8, 16, 32, 32],
): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const trunk = (x: tf.SymbolicTensor, stream: string) => {
    let y = x;
    filters.forEach((f, i) => {
      y = convThenMaxPool(
        y,
        {
          filters: f,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(),
          name: `${stream}_conv${i + 1}`,
        },
        { poolSize: 2, name: `${stream}_pool${i + 1}` },
      );
    });
    y = tf.layers.flatten({ name: `${stream}_flatten` }).apply(y) as tf.SymbolicTensor;
    return tf.layers
      .dense({ units: 64, activation: 'relu', kernelInitializer: init(), name: `${stream}_features` })
      .apply(y) as tf.SymbolicTensor;
  };
  const video = tf.input({ shape: videoShape, name: 'video' });
  const flow = tf.input({ shape: flowShape, name: 'flow' });
  const spatial = trunk(
    new SelectFrame({ index: Math.floor((videoShape[0] as number) / 2), name: 'middle_frame' }).apply(
      video,
    ) as tf.SymbolicTensor,
    'spatial',
  );
  // [pairs, h, w, 2] -> [h, w, 2 x pairs]: every flow field as channels of one image, as the original stacks them.
  const [pairs, h, w] = flowShape as [number, number, number, number];
  const stacked = tf.layers.permute({ dims: [2, 3, 1, 4], name: 'flow_to_channels' }).apply(flow) as tf.SymbolicTensor;
  const temporal = trunk(
    tf.layers.reshape({ targetShape: [h, w, 2 * pairs], name: 'flow_stack' }).apply(stacked) as tf.SymbolicTensor,
    'temporal',
  );
  let x = tf.layers.concatenate({ name: 'fuse' }).apply([spatial, temporal]) as tf.SymbolicTensor;
  x = new FastBatchNormalization({ momentum: 0.9, name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.5, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: classes, kernelInitializer: init(), name: 'logits' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [video, flow], outputs: logits, name: 'two_stream_cnn' });
}

export function buildLstmBaseline(imuShape: number[], classes: number, seed: number, units = 64): tf.LayersModel {
  let s = seed;
  const input = tf.input({ shape: imuShape, name: 'imu' });
  let x = new FastBatchNormalization({ momentum: 0.9, name: 'bn_in' }).apply(input) as tf.SymbolicTensor;
  x = new FastLstm({ units, returnSequences: false, seed: s++, name: 'lstm' }).apply(x) as tf.SymbolicTensor;
  x = new FastBatchNormalization({ momentum: 0.9, name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.5, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }), name: 'logits' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'lstm_baseline' });
}
