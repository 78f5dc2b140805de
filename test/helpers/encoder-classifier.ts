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
