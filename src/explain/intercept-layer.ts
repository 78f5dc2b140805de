import type * as tf from '@tensorflow/tfjs';

type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * Runs `fn` while `layer`'s `call` is `wrap(original)`, then puts the original back. How the
 * explanations see inside a trained model without rebuilding it: a model runs each layer through
 * its `call` (LayersModel.apply and predict alike), so a wrapper can record what a layer gets or
 * returns, or change its output, for one pass. The weights are never touched. An async `fn`
 * keeps the wrapper until its promise settles.
 */
export function interceptLayerCall<T>(
  layer: tf.layers.Layer,
  wrap: (original: LayerCall) => LayerCall,
  fn: () => T,
): T {
  const own = Object.prototype.hasOwnProperty.call(layer, 'call');
  const target = layer as unknown as { call: LayerCall };
  const original = target.call;
  const restore = () => {
    if (own) target.call = original;
    else delete (target as { call?: LayerCall }).call;
  };
  target.call = wrap(original.bind(layer));
  let result: T;
  try {
    result = fn();
  } catch (err) {
    restore();
    throw err;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
