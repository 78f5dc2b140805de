import * as tf from '@tensorflow/tfjs';
import { TemporalAttentionPooling } from '../models/layers/temporal-attention-pooling.ts';
import { interceptLayerCall } from './intercept-layer.ts';

/** One attention-LSTM pooling's weights over its sequence for each sample: rows of `steps` summing to 1. */
export interface AttentionOverTime {
  /** The modality pooled: the layer's name without `_attention` (fusion networks name it `<modality>_attention`). */
  modality: string;
  layer: string;
  /** [samples x steps], row-major. */
  weights: Float32Array;
  samples: number;
  steps: number;
}

/**
 * The temporal attention of each prediction: for every TemporalAttentionPooling layer of the
 * model, the weights w_t it gives each step of its sequence when the model predicts `inputs`
 * (inference mode). The weights are the ones the pooling multiplies its sequence by in that very
 * pass (each layer's `call` is wrapped for the pass and asked for `attentionWeights` of what it
 * got), so nothing is recomputed from a copy that could drift. A model without attention pooling
 * gives [].
 */
export function attentionOverTime(model: tf.LayersModel, inputs: readonly tf.Tensor[]): AttentionOverTime[] {
  const layers = model.layers.filter((l): l is TemporalAttentionPooling => l instanceof TemporalAttentionPooling);
  const captured = new Map<string, tf.Tensor2D>();
  const run = layers.reduceRight<() => void>(
    (inner, layer) => () =>
      interceptLayerCall(
        layer,
        (original) => (x, kwargs) => {
          const sequence = (Array.isArray(x) ? x[0] : x) as tf.Tensor3D;
          captured.get(layer.name)?.dispose();
          captured.set(layer.name, tf.keep(layer.attentionWeights(sequence)));
          return original(x, kwargs);
        },
        inner,
      ),
    () => {
      tf.tidy(() => {
        model.predict([...inputs]);
      });
    },
  );
  try {
    run();
    return layers.map((layer) => {
      const w = captured.get(layer.name);
      if (w === undefined) throw new Error(`attentionOverTime(): ${layer.name} did not run`);
      const [samples, steps] = w.shape;
      return {
        modality: layer.name.replace(/_attention$/, ''),
        layer: layer.name,
        weights: Float32Array.from(w.dataSync()),
        samples,
        steps,
      };
    });
  } finally {
    tf.dispose([...captured.values()]);
  }
}
