import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../../src/core/random.ts';

/**
 * One layer's training pass on a random input, with its weights drawn from `seed`: the output
 * (training true) and the gradients of sum(out * r) for the input and each trainable weight, in
 * order. For comparing a fused layer with the stock one on another backend.
 */
export function layerTrainingPass(layer: tf.layers.Layer, input: number[], seed: number): tf.Tensor[] {
  const rng = new SeededRandom(seed);
  const random = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
      shape,
    );
  const x = random(input);
  layer.build(x.shape);
  layer.setWeights(layer.getWeights().map((w) => random(w.shape)));
  const out = layer.apply(x, { training: true }) as tf.Tensor;
  const r = random(out.shape);
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, r)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => f(x), variables);
  return [out, tf.grad(f)(x), ...variables.map((v) => grads[v.name] as tf.Tensor)];
}
