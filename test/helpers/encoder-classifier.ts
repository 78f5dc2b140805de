import * as tf from '@tensorflow/tfjs';
import type { EncoderOutput } from '../../src/models/encoders/encoder-builder.ts';

/** An encoder's vector under a dense layer to class logits, as one model: what the encoder tests train and reload. */
export function encoderClassifier(
  input: tf.SymbolicTensor,
  encoded: EncoderOutput,
  classes: number,
  seed: number,
): tf.LayersModel {
  const logits = tf.layers
    .dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'logits' })
    .apply(encoded.tensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/** The loss of each of `steps` Adam steps (rate `learningRate`) of `model` on one batch, compiled for softmax cross-entropy. */
export async function batchLosses(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  learningRate: number,
): Promise<number[]> {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: tf.losses.softmaxCrossEntropy });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) losses.push((await model.trainOnBatch(x, y)) as number);
  return losses;
}
