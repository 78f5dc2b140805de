import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';
import { attentionPooling, attentionWeightsOps } from '../ops/attention-pooling.ts';

/**
 * Additive temporal attention pooling (Bahdanau-style scoring, as the source paper and RefNet use):
 *   s_t = v . tanh(W h_t + b),  w = softmax_t(s),  out = sum_t w_t h_t
 * Input [batch, time, features] -> output [batch, features]. The weights over time are what the
 * jumping-error report shows as the model's temporal attention; `attentionWeights` returns them.
 */
export interface TemporalAttentionPoolingArgs {
  /** Size of the scoring layer (W's output). Default: the input's feature size. */
  units?: number;
  /** Seed of the Glorot-uniform initialiser of W and v, for reproducible runs. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

export class TemporalAttentionPooling extends tf.layers.Layer {
  static readonly className = 'TemporalAttentionPooling';
  private readonly units: number | undefined;
  private readonly seed: number | undefined;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;
  private context: tf.LayerVariable | undefined;

  constructor(args: TemporalAttentionPoolingArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.trainable !== undefined) this.trainable = args.trainable;
    if (args.units !== undefined && (!Number.isInteger(args.units) || args.units <= 0)) {
      throw new Error(`TemporalAttentionPooling(): units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const features = shape[2];
    if (shape.length !== 3 || features === null || features === undefined) {
      throw new Error(
        `TemporalAttentionPooling: expected input [batch, time, features] with known features, got [${shape}]`,
      );
    }
    const units = this.units ?? features;
    const init = (offset: number) =>
      tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed + offset });
    this.kernel = this.addWeight('kernel', [features, units], 'float32', init(0));
    this.bias = this.addWeight('bias', [units], 'float32', tf.initializers.zeros());
    this.context = this.addWeight('context', [units, 1], 'float32', init(1));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor3D) : (inputs as tf.Tensor3D);
      const { kernel, bias, context } = this.builtWeights();
      return attentionPooling(x, kernel, bias, context);
    });
  }

  /** The attention weights over time, [batch, time], summing to 1 per row. */
  attentionWeights(x: tf.Tensor3D): tf.Tensor2D {
    const { kernel, bias, context } = this.builtWeights();
    return attentionWeightsOps(x, kernel, bias, context);
  }

  private builtWeights(): { kernel: tf.Tensor2D; bias: tf.Tensor1D; context: tf.Tensor2D } {
    if (this.kernel === undefined || this.bias === undefined || this.context === undefined) {
      throw new Error('TemporalAttentionPooling: layer used before it was built');
    }
    return {
      kernel: this.kernel.read() as tf.Tensor2D,
      bias: this.bias.read() as tf.Tensor1D,
      context: this.context.read() as tf.Tensor2D,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig() };
    if (this.units !== undefined) config['units'] = this.units;
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}

tf.serialization.registerClass(TemporalAttentionPooling);
