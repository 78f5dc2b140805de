import * as tf from '@tensorflow/tfjs';
import { recordingGradients } from '../ops/recording-gradients.ts';
import { conv2dBiasRelu, conv2dBiasReluAvailable } from '../ops/conv2d-bias-relu.ts';

/** The fields of tfjs-layers' Conv2D that the training path reads (protected in its typings). */
interface Conv2DFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { getClassName(): string };
}

type ConvLayerArgs = Parameters<typeof tf.layers.conv2d>[0];

/** tfjs-layers' Conv2D class (exported only through its factory; named, so no default layer name is used up). */
const StockConv2D = Object.getPrototypeOf(
  tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'fast_conv2d_class_probe' }),
).constructor as new (args: ConvLayerArgs) => tf.layers.Layer;

/**
 * tf.layers.conv2d that, while gradients are recorded, runs conv + bias + ReLU (or linear) as one
 * kernel with its gradient written out (`conv2dBiasRelu`) where the backend has it; everywhere else
 * (inference, other backends, other settings) exactly the stock layer. Same class name, config and
 * weights as Conv2D, so saved models are plain tfjs ones (they load as the stock layer).
 */
export class FastConv2D extends StockConv2D {
  static readonly className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const c = this as unknown as Conv2DFields;
    const activation = c.activation.getClassName();
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (
      recordingGradients() &&
      conv2dBiasReluAvailable() &&
      x !== undefined &&
      x.rank === 4 &&
      x.dtype === 'float32' &&
      c.bias !== null &&
      c.dataFormat === 'channelsLast' &&
      (c.padding === 'same' || c.padding === 'valid') &&
      (activation === 'relu' || activation === 'linear')
    ) {
      return tf.tidy(() =>
        conv2dBiasRelu(
          x as tf.Tensor4D,
          c.kernel.read() as tf.Tensor4D,
          (c.bias as tf.LayerVariable).read() as tf.Tensor1D,
          {
            strides: [c.strides[0] as number, c.strides[1] as number],
            pad: c.padding as 'same' | 'valid',
            dilations: [c.dilationRate[0] as number, c.dilationRate[1] as number],
            relu: activation === 'relu',
          },
        ),
      );
    }
    return super.call(inputs, kwargs);
  }
}
