import * as tf from '@tensorflow/tfjs';
import { convThenMaxPool } from './layers/fast-conv2d.ts';
import { FastDense } from './layers/fast-dense.ts';
import type { JointSet } from '../core/joint-sets.ts';
import type { Modality } from '../inputs/input-spec.ts';
import type { FusionNetworkSpec } from './fusion-network-spec.ts';
import type { EncoderBuilder, EncoderOutput } from './encoders/encoder-builder.ts';
import { LogMeanProbabilities } from './layers/log-mean-probabilities.ts';
import { BatchToFrames, FramesToBatch } from './layers/frame-batching.ts';
import { FastLstm } from './layers/fast-lstm.ts';
import { FastBatchNormalization } from './layers/fast-batch-normalization.ts';
import { ModalityDropout } from './layers/modality-dropout.ts';
import { TemporalAttentionPooling } from './layers/temporal-attention-pooling.ts';

/** The sensor a modality comes from: video frames and optical flow both come from the camera. */
const SENSOR_OF: Record<Modality, string> = {
  video: 'camera',
  flow: 'camera',
  backbone: 'camera',
  imu: 'imu',
  pose: 'camera',
  // UTD-MHAD's depth and skeleton come from one Kinect: losing it loses both.
  depthMaps: 'camera',
};

/**
 * The fusion network: one encoder per modality turns its input into a sequence of feature
 * vectors, each sequence is pooled to one vector, the vectors are concatenated and classified.
 *   video [K, S, S, 3] -> per-frame CNN (conv 3x3 + ReLU + 2x2 max-pool per stage, flattened,
 *                         dense) -> [K, frameFeatures]
 *   flow  [K-1, S, S, 2] -> the optical flow between consecutive key frames (the motion the
 *                         frames alone do not show), average-pooled by `flowPool` first, then a
 *                         per-frame CNN of its own (`flowFilters`, the same stage design)
 *   imu   [T, 6P]      -> conv1d k5 + BatchNorm + ReLU + max-pool 2, twice -> [T/4, filters]
 *   backbone [K, D]    -> a frozen pretrained network's cached features per key frame, dense
 *                         (linear) per frame -> [K, frameFeatures]
 *   pose  [F, 51]      -> dense + ReLU per frame -> [F, 64]
 * Pooling per modality: 'attention-lstm' (the source paper's): BatchNorm on the LSTM's inputs,
 * an LSTM over the sequence, additive temporal attention; 'concat' (late fusion): the mean over
 * time. Then concatenation, modality dropout (in training a sample loses one sensor's whole
 * feature vector with probability `modalityDropout`; video frames and flow count as one sensor,
 * the camera), BatchNorm, dropout 0.5 and a dense layer to class logits.
 * Video-only and IMU-only networks are the same with one modality.
 */
export function buildFusionNetwork(
  spec: FusionNetworkSpec,
  shapes: Partial<Record<Modality, number[]>>,
  classes: number,
  seed: number,
  builders: Partial<Record<Modality, EncoderBuilder<never>>> = {},
  joints?: JointSet,
): tf.LayersModel {
  if (spec.modalities.length === 0) throw new Error('buildFusionNetwork(): no modality');
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const inputOf = new Map<Modality, tf.SymbolicTensor>();
  const pooled: tf.SymbolicTensor[] = [];
  const vectorOf = new Map<Modality, tf.SymbolicTensor>();
  // Grouped by sensor, so each sensor's features are one contiguous segment for modality dropout.
  const sensors = [...new Set(spec.modalities.map((m) => SENSOR_OF[m]))];
  const ordered = sensors.flatMap((sensor) => spec.modalities.filter((m) => SENSOR_OF[m] === sensor));
  const widths = sensors.map(() => 0);
  for (const modality of ordered) {
    const shape = shapes[modality];
    if (shape === undefined) throw new Error(`buildFusionNetwork(): no input shape for ${modality}`);
    const input = tf.input({ shape, name: modality });
    inputOf.set(modality, input);
    const choice = spec.encoders[modality];
    const builder = builders[modality];
    if (choice !== undefined && builder === undefined)
      throw new Error(`buildFusionNetwork(): the ${choice.type} encoder of ${modality} is not loaded`);
    const { type: _type, ...options } = choice ?? { type: '' };
    const encoded: EncoderOutput =
      builder !== undefined
        ? builder(input, options as never, {
            modality,
            shape,
            ...(modality === 'pose' && joints !== undefined ? { joints } : {}),
            nextSeed: () => s++,
          })
        : { kind: 'sequence', tensor: builtInEncoder(input, modality, spec, shape, init) };
    const vector = encoded.kind === 'vector' ? encoded.tensor : poolSequence(encoded.tensor, modality, spec, () => s++);
    vectorOf.set(modality, vector);
    const sensor = sensors.indexOf(SENSOR_OF[modality]);
    widths[sensor] = (widths[sensor] ?? 0) + (vector.shape[1] as number);
    pooled.push(vector);
  }
  // Inputs in the order the spec lists its modalities, which is the order they are fed.
  const inputs = spec.modalities.map((m) => inputOf.get(m) as tf.SymbolicTensor);
  const name = `fusion_${spec.fusion.replace('-', '_')}_${spec.modalities.join('_')}`;
  // A classifier on one modality's vector: BatchNorm, dropout, dense to logits.
  const headOf = (m: Modality, prefix: string) =>
    classifierHead(vectorOf.get(m) as tf.SymbolicTensor, `${prefix}_${m}`, classes, spec.dropout, init, () => s++);
  if (spec.heads === 'late') {
    const heads = spec.modalities.map((m) => headOf(m, 'late'));
    const combined = new LogMeanProbabilities({ name: 'logits' }).apply(heads) as tf.SymbolicTensor;
    return tf.model({ inputs, outputs: [combined, ...heads], name: `late_${name}` });
  }
  let x =
    pooled.length === 1
      ? (pooled[0] as tf.SymbolicTensor)
      : (tf.layers.concatenate({ name: 'fuse' }).apply(pooled) as tf.SymbolicTensor);
  if (sensors.length > 1 && spec.modalityDropout > 0)
    x = new ModalityDropout({ widths, rate: spec.modalityDropout, seed: s++, name: 'modality_dropout' }).apply(
      x,
    ) as tf.SymbolicTensor;
  x = new FastBatchNormalization({ momentum: 0.9, name: 'fused_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: spec.dropout, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = new FastDense({ units: classes, kernelInitializer: init(), name: 'logits' }).apply(
    x,
  ) as tf.SymbolicTensor;
  if (spec.auxiliaryLoss > 0 && spec.modalities.length > 1)
    return tf.model({ inputs, outputs: [logits, ...spec.modalities.map((m) => headOf(m, 'aux'))], name });
  return tf.model({ inputs, outputs: logits, name });
}

/** The built-in encoder of a modality (the source paper's design; see buildFusionNetwork). */
function builtInEncoder(
  input: tf.SymbolicTensor,
  modality: Modality,
  spec: FusionNetworkSpec,
  shape: number[],
  init: Init,
): tf.SymbolicTensor {
  if (modality === 'video' || modality === 'flow') return frameEncoder(input, modality, spec, shape, init);
  if (modality === 'imu') return imuEncoder(input, spec, init);
  if (modality === 'backbone') return backboneEncoder(input, spec, init);
  if (modality === 'pose') return poseEncoder(input, init);
  throw new Error(`buildFusionNetwork(): ${modality} has no built-in encoder; name one in encoders.${modality}`);
}

/** BatchNorm, dropout and a dense layer to class logits, on one feature vector. */
function classifierHead(
  vector: tf.SymbolicTensor,
  prefix: string,
  classes: number,
  dropout: number,
  init: Init,
  nextSeed: () => number,
): tf.SymbolicTensor {
  let x = new FastBatchNormalization({ momentum: 0.9, name: `${prefix}_bn` }).apply(vector) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: dropout, seed: nextSeed(), name: `${prefix}_dropout` }).apply(x) as tf.SymbolicTensor;
  return new FastDense({ units: classes, kernelInitializer: init(), name: `${prefix}_logits` }).apply(
    x,
  ) as tf.SymbolicTensor;
}

type Init = () => ReturnType<typeof tf.initializers.glorotUniform>;

// BatchNorm layers use momentum 0.9, not Keras's 0.99: their moving statistics are what
// inference sees, and with a small training set (a few batches an epoch) 0.99 leaves them far
// from the data for dozens of epochs, so validation loss stays near chance and early stopping
// misjudges. Measured on 240 synthetic takes (5 batches an epoch): validation loss after 13
// epochs 1.92 with 0.99, 0.28 with 0.9.

/** Per-frame CNN over video key frames or the flow fields between them: [K, S, S, C] -> [K, frameFeatures]. */
function frameEncoder(
  input: tf.SymbolicTensor,
  modality: 'video' | 'flow',
  spec: FusionNetworkSpec,
  shape: number[],
  init: Init,
): tf.SymbolicTensor {
  let x = new FramesToBatch({ name: `${modality}_frames` }).apply(input) as tf.SymbolicTensor;
  if (modality === 'flow' && spec.flowPool > 1)
    x = tf.layers.averagePooling2d({ poolSize: spec.flowPool, name: 'flow_downsample' }).apply(x) as tf.SymbolicTensor;
  (modality === 'flow' ? spec.flowFilters : spec.videoFilters).forEach((filters, i) => {
    x = convThenMaxPool(
      x,
      {
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
        name: `${modality}_conv${i + 1}`,
      },
      { poolSize: 2, name: `${modality}_pool${i + 1}` },
    );
  });
  // Flattened, not averaged: which part of the picture holds what (arms up, feet off the floor)
  // is the information; an average over the map keeps only textures.
  x = tf.layers.flatten({ name: `${modality}_flatten` }).apply(x) as tf.SymbolicTensor;
  // Linear: a ReLU here can start dead for every frame (all-positive pooled inputs), and the
  // LSTM's BatchNorm follows anyway.
  x = new FastDense({ units: spec.frameFeatures, kernelInitializer: init(), name: `${modality}_frame_features` }).apply(
    x,
  ) as tf.SymbolicTensor;
  return new BatchToFrames({ frames: shape[0] as number, name: `${modality}_sequence` }).apply(x) as tf.SymbolicTensor;
}

function imuEncoder(input: tf.SymbolicTensor, spec: FusionNetworkSpec, init: Init): tf.SymbolicTensor {
  let x = input;
  spec.imuFilters.forEach((filters, i) => {
    x = tf.layers
      .conv1d({ filters, kernelSize: 5, padding: 'same', kernelInitializer: init(), name: `imu_conv${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = new FastBatchNormalization({ momentum: 0.9, name: `imu_bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `imu_relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling1d({ poolSize: 2, name: `imu_pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  return x;
}

/** Frozen backbone features per key frame, projected to frameFeatures (linear, as the frame CNN's last layer). */
function backboneEncoder(input: tf.SymbolicTensor, spec: FusionNetworkSpec, init: Init): tf.SymbolicTensor {
  return new FastDense({ units: spec.frameFeatures, kernelInitializer: init(), name: 'backbone_features' }).apply(
    input,
  ) as tf.SymbolicTensor;
}

function poseEncoder(input: tf.SymbolicTensor, init: Init): tf.SymbolicTensor {
  return tf.layers
    .dense({ units: 64, activation: 'relu', kernelInitializer: init(), name: 'pose_features' })
    .apply(input) as tf.SymbolicTensor;
}

function poolSequence(
  x: tf.SymbolicTensor,
  modality: Modality,
  spec: FusionNetworkSpec,
  nextSeed: () => number,
): tf.SymbolicTensor {
  if (spec.fusion === 'concat')
    return tf.layers.globalAveragePooling1d({ name: `${modality}_mean` }).apply(x) as tf.SymbolicTensor;
  let y = new FastBatchNormalization({ momentum: 0.9, name: `${modality}_lstm_bn` }).apply(x) as tf.SymbolicTensor;
  y = new FastLstm({ units: spec.lstmUnits, returnSequences: true, seed: nextSeed(), name: `${modality}_lstm` }).apply(
    y,
  ) as tf.SymbolicTensor;
  return new TemporalAttentionPooling({ seed: nextSeed(), name: `${modality}_attention` }).apply(
    y,
  ) as tf.SymbolicTensor;
}
