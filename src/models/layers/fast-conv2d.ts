import * as tf from '@tensorflow/tfjs';
import { recordingGradients } from '../ops/recording-gradients.ts';
import { conv2dBiasRelu, conv2dBiasReluAvailable } from '../ops/conv2d-bias-relu.ts';
import {
  conv2dBiasReluPool,
  conv2dBiasReluPoolAvailable,
  conv2dBiasReluPoolShape,
} from '../ops/conv2d-bias-relu-pool.ts';
import { isComputedAhead, markComputedAhead, passOn } from './computed-ahead.ts';

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

/** The fields of tfjs-layers' MaxPooling2D that decide whether it can join its convolution. */
interface Pooling2DFields {
  poolSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
}

type ConvLayerArgs = Parameters<typeof tf.layers.conv2d>[0];
type PoolLayerArgs = Parameters<typeof tf.layers.maxPooling2d>[0];

/** tfjs-layers' Conv2D class (exported only through its factory; named, so no default layer name is used up). */
const StockConv2D = Object.getPrototypeOf(
  tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'fast_conv2d_class_probe' }),
).constructor as new (args: ConvLayerArgs) => tf.layers.Layer;

/** tfjs-layers' MaxPooling2D class (exported only through its factory). */
const StockMaxPooling2D = Object.getPrototypeOf(
  tf.layers.maxPooling2d({ poolSize: 2, name: 'fast_max_pooling2d_class_probe' }),
).constructor as new (args: PoolLayerArgs) => tf.layers.Layer;

/**
 * tf.layers.conv2d that, while gradients are recorded, runs conv + bias + ReLU (or linear) as one
 * kernel with its gradient written out (`conv2dBiasRelu`) where the backend has it; everywhere else
 * (inference, other backends, other settings) exactly the stock layer. Same class name, config and
 * weights as Conv2D, so saved models are plain tfjs ones (they load as the stock layer).
 */
export class FastConv2D extends StockConv2D {
  static readonly className = 'Conv2D';
  /** The max-pooling layer that alone reads this layer's output, if linked (linkMaxPool). */
  private pool: FastMaxPooling2D | undefined;

  /**
   * Lets this layer, in training, return its output already max-pooled by `pool`, the layer that
   * alone reads it (which then passes it on): conv + bias + ReLU + 2x2 pooling as one kernel with
   * its gradient (`conv2dBiasReluPool`). Only the layers' runtime is linked; a saved model holds
   * the plain two layers. The caller vouches that nothing else reads this layer's output.
   */
  linkMaxPool(pool: FastMaxPooling2D): void {
    this.pool = pool;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const c = this as unknown as Conv2DFields;
    const activation = c.activation.getClassName();
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fusable =
      recordingGradients() &&
      x !== undefined &&
      x.rank === 4 &&
      x.dtype === 'float32' &&
      c.bias !== null &&
      c.dataFormat === 'channelsLast' &&
      (c.padding === 'same' || c.padding === 'valid') &&
      (activation === 'relu' || activation === 'linear');
    const convAttrs = () => ({
      strides: [c.strides[0] as number, c.strides[1] as number] as [number, number],
      pad: c.padding as 'same' | 'valid',
      dilations: [c.dilationRate[0] as number, c.dilationRate[1] as number] as [number, number],
      relu: activation === 'relu',
    });
    // Pooled here only in training proper: Grad-CAM records gradients with training false and
    // reads this layer's own output.
    if (
      fusable &&
      kwargs['training'] === true &&
      this.pool?.isTwoByTwo() === true &&
      conv2dBiasReluPoolAvailable() &&
      conv2dBiasReluPoolShape((x as tf.Tensor).shape, c.kernel.shape as number[], convAttrs()).every((d) => d > 0)
    ) {
      const kernel = c.kernel.read() as tf.Tensor4D;
      return markComputedAhead(
        tf.tidy(() =>
          conv2dBiasReluPool(x as tf.Tensor4D, kernel, (c.bias as tf.LayerVariable).read() as tf.Tensor1D, convAttrs()),
        ),
      );
    }
    if (fusable && conv2dBiasReluAvailable()) {
      return tf.tidy(() =>
        conv2dBiasRelu(
          x as tf.Tensor4D,
          c.kernel.read() as tf.Tensor4D,
          (c.bias as tf.LayerVariable).read() as tf.Tensor1D,
          convAttrs(),
        ),
      );
    }
    return super.call(inputs, kwargs);
  }
}

/**
 * tf.layers.maxPooling2d that passes on an input its linked FastConv2D has already pooled (see
 * FastConv2D.linkMaxPool); everywhere else exactly the stock layer, with its class name.
 */
export class FastMaxPooling2D extends StockMaxPooling2D {
  static readonly className = 'MaxPooling2D';

  /** 2x2 windows, stride 2, valid padding, channels last: the pooling conv2dBiasReluPool does. */
  isTwoByTwo(): boolean {
    const p = this as unknown as Pooling2DFields;
    return (
      p.poolSize.every((n) => n === 2) &&
      p.strides.every((n) => n === 2) &&
      p.padding === 'valid' &&
      p.dataFormat === 'channelsLast'
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (isComputedAhead(inputs)) return passOn(inputs);
    return super.call(inputs, kwargs);
  }
}

/**
 * A FastConv2D and the 2x2 max pooling after it, linked so that in training they run as one
 * kernel where the backend has it: what the frame CNNs are built of.
 */
export function convThenMaxPool(
  x: tf.SymbolicTensor,
  convArgs: ConvLayerArgs,
  poolArgs: PoolLayerArgs,
): tf.SymbolicTensor {
  const conv = new FastConv2D(convArgs);
  const pool = new FastMaxPooling2D(poolArgs);
  conv.linkMaxPool(pool);
  return pool.apply(conv.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
}
