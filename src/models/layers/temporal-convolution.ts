import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';

/**
 * A convolution over time applied to every joint alike, ST-GCN's temporal convolution: input
 * [batch, time, joints, channels] -> [batch, ceil(time / stride), joints, filters], kernel
 * [kernelSize x 1], 'same' padding. The same sum as tf.layers.conv2d with kernel [k, 1] and
 * strides [s, 1]; it calls tf.conv2d itself because tf.layers.conv2d runs a linear convolution as
 * FusedConv2D, which on WASM is the package's single-threaded kernel, while Conv2D (and both
 * gradients) run in motionfuse's native kernels: measured 2x faster forward on ST-GCN's shapes
 * (see docs/performance.md).
 */
export interface TemporalConvolutionArgs {
  filters: number;
  kernelSize: number;
  /** Stride over time. Default 1. */
  stride?: number;
  /** Default true; off before a BatchNorm, whose offset does the same. */
  useBias?: boolean;
  /** Seed of the Glorot-uniform initialiser of the kernel. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

export class TemporalConvolution extends tf.layers.Layer {
  static readonly className = 'TemporalConvolution';
  readonly filters: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly useBias: boolean;
  private readonly seed: number | undefined;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;

  constructor(args: TemporalConvolutionArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.trainable !== undefined) this.trainable = args.trainable;
    const whole = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n >= 1);
    if (!whole(args.filters) || !whole(args.kernelSize) || !whole(args.stride))
      throw new Error(
        `TemporalConvolution(): filters, kernelSize and stride must be whole numbers >= 1, got ${args.filters}, ${args.kernelSize}, ${args.stride}`,
      );
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.stride = args.stride ?? 1;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[3];
    if (shape.length !== 4 || channels === null || channels === undefined)
      throw new Error(
        `TemporalConvolution: expected input [batch, time, joints, channels] with known channels, got [${shape}]`,
      );
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize, 1, channels, this.filters],
      'float32',
      tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    const time = shape[1];
    return [
      shape[0] ?? null,
      time === null || time === undefined ? null : Math.ceil(time / this.stride),
      shape[2] ?? null,
      this.filters,
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor4D) : (inputs as tf.Tensor4D);
      if (this.kernel === undefined) throw new Error('TemporalConvolution: layer used before it was built');
      const y = tf.conv2d(x, this.kernel.read() as tf.Tensor4D, [this.stride, 1], 'same');
      return this.bias === undefined ? y : tf.add(y, this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      stride: this.stride,
      useBias: this.useBias,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}

tf.serialization.registerClass(TemporalConvolution);
