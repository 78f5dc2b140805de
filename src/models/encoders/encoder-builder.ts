import type * as tf from '@tensorflow/tfjs';
import type { JointSet } from '../../core/joint-sets.ts';
import type { Modality } from '../../inputs/input-spec.ts';

/**
 * What an encoder's builder is given besides its input: where it sits in the network and how to
 * seed its weights. Builders live in files that import TensorFlow.js; their options schemas live
 * in `encoder-options.ts` (zod only), so the experiment schema loads without TensorFlow.js.
 */
export interface EncoderContext {
  /** The modality it encodes; also the prefix of its layer names (`imu_conv1`, ...). */
  modality: Modality;
  /** The modality's input shape, without the batch axis. */
  shape: readonly number[];
  /** The joint set of a pose input: its joints, bones and the graph a graph convolution uses. */
  joints?: JointSet;
  /** A fresh seed for each initializer or dropout layer, in build order. */
  nextSeed: () => number;
}

/**
 * An encoder's output: a sequence [batch, steps, features] that the fusion's pooling
 * (attention-LSTM or the mean over time) turns into one vector, or a vector [batch, features]
 * already pooled by the encoder itself (a temporal CNN's global average pooling).
 */
export type EncoderOutput =
  { kind: 'sequence'; tensor: tf.SymbolicTensor } | { kind: 'vector'; tensor: tf.SymbolicTensor };

/** Builds one encoder on `input` with its options (checked by its schema, defaults filled in). */
export type EncoderBuilder<Options> = (
  input: tf.SymbolicTensor,
  options: Options,
  context: EncoderContext,
) => EncoderOutput;
