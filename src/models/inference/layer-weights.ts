import type * as tf from '@tensorflow/tfjs';

/**
 * A snapshot of a layer's weights by short name ('kernel', 'bias', 'moving_mean', ...): copies,
 * so a compiled forward keeps the values it was compiled with even if training goes on.
 */
export function layerWeights(layer: tf.layers.Layer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of layer.weights) {
    const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    out.set(short, Float32Array.from(w.read().dataSync() as Float32Array));
  }
  return out;
}

/** The weight `name`, or throws naming what the layer has (a compiler bug or an unexpected layer version). */
export function requiredWeight(weights: Map<string, Float32Array>, name: string, layer: tf.layers.Layer): Float32Array {
  const w = weights.get(name);
  if (w === undefined)
    throw new Error(
      `compileInference(): ${layer.name} has no weight '${name}' (has ${[...weights.keys()].join(', ')})`,
    );
  return w;
}
