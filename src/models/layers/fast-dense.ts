import * as tf from '@tensorflow/tfjs';
import { recordingGradients } from '../ops/recording-gradients.ts';
import { dense, denseAvailable } from '../ops/dense.ts';

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** The fields of tfjs-layers' Dense that the training path reads (protected in its typings). */
interface DenseFields {
  kernel: tf.LayerVariable | null;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
}

/** tfjs-layers' Dense class (exported only through its factory; the probe named, so no default name is used up). */
const StockDense = Object.getPrototypeOf(tf.layers.dense({ units: 1, name: 'fast_dense_class_probe' }))
  .constructor as new (args: DenseArgs) => tf.layers.Layer;

/**
 * tf.layers.dense that, while gradients are recorded, computes a linear layer with a bias on 2-D
 * input as one kernel each way (`dense`) where the backend has it; everywhere else exactly the
 * stock layer, with its class name, config and weights (saved files are plain Dense).
 */
export class FastDense extends StockDense {
  static readonly className = 'Dense';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const d = this as unknown as DenseFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (
      recordingGradients() &&
      denseAvailable() &&
      x !== undefined &&
      x.rank === 2 &&
      x.dtype === 'float32' &&
      d.kernel !== null &&
      d.bias !== null &&
      d.activation.getClassName() === 'linear'
    ) {
      const kernel = d.kernel.read() as tf.Tensor2D;
      const bias = d.bias.read() as tf.Tensor1D;
      return tf.tidy(() => dense(x as tf.Tensor2D, kernel, bias));
    }
    return super.call(inputs, kwargs);
  }
}
