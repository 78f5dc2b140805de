import type * as tf from '@tensorflow/tfjs';

/** The shape of a single-input layer's input (tfjs passes a one-element list as well as a shape). */
export function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(inputShape[0]) ? (inputShape[0] as tf.Shape) : (inputShape as tf.Shape);
}
