import * as tf from '@tensorflow/tfjs';

/**
 * Outputs that a layer computed ahead for the layers after it, in training, as one fused kernel
 * (a conv returning its max pooling's output; a temporal conv returning its block's BatchNorm,
 * ReLU and pooling): the later layers, linked to it when the network was built, pass such a
 * tensor on unchanged. Nothing else ever receives one, so a marked tensor can only be a linked
 * layer's input.
 */
const computedAhead = new WeakSet<tf.Tensor>();

export function markComputedAhead<T extends tf.Tensor>(t: T): T {
  computedAhead.add(t);
  return t;
}

export function isComputedAhead(t: tf.Tensor | tf.Tensor[] | undefined): boolean {
  const x = Array.isArray(t) ? t[0] : t;
  return x !== undefined && computedAhead.has(x);
}

/**
 * What a linked layer returns for a tensor computed ahead: a marked clone (an Identity kernel, sharing the
 * data), not the input itself, which tfjs-layers' Layer.apply would clone unmarked.
 */
export function passOn(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (x === undefined) throw new Error('passOn(): no input');
  return markComputedAhead(tf.clone(x));
}
