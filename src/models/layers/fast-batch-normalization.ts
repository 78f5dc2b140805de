import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';
import { batchNormTraining } from '../ops/batch-norm-training.ts';
import { MOVING_AVERAGES, type MovingAveragesAttrs } from '../../backend/wasm-kernels/moving-averages.ts';
import { isComputedAhead, passOn } from './computed-ahead.ts';

/**
 * tf.layers.batchNormalization over the last axis, computed with fewer kernels in training
 * (`batchNormTraining`: the gradient written out instead of taped; one native kernel each way on
 * the WASM backend with the addon, where tf.batchNorm's FusedBatchNorm is native too). Same
 * weights in the same order (gamma, beta, moving_mean, moving_variance), same defaults (momentum
 * 0.99, epsilon 1e-3), same moving averages of the batch mean and biased variance, same inference
 * (tf.batchNorm with the moving statistics), so the two can swap weights.
 */
export interface FastBatchNormalizationArgs {
  /** Weight of the old value in the moving averages. Default 0.99, as tfjs's. */
  momentum?: number;
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

export class FastBatchNormalization extends tf.layers.Layer {
  static readonly className = 'FastBatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;
  private movingMean: tf.LayerVariable | undefined;
  private movingVariance: tf.LayerVariable | undefined;

  constructor(args: FastBatchNormalizationArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.trainable !== undefined) this.trainable = args.trainable;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1))
      throw new Error(`FastBatchNormalization(): momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new Error(`FastBatchNormalization(): epsilon must be > 0, got ${this.epsilon}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1];
    if (shape.length < 2 || channels === null || channels === undefined)
      throw new Error(
        `FastBatchNormalization: expected input [batch, ..., channels] with known channels, got [${shape}]`,
      );
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight(
      'moving_variance',
      [channels],
      'float32',
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    // A linked temporal convolution normalised, and updated the moving averages, already.
    if (isComputedAhead(inputs)) return passOn(inputs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const { gamma, beta, movingMean, movingVariance } = this;
      if (gamma === undefined || beta === undefined || movingMean === undefined || movingVariance === undefined)
        throw new Error('FastBatchNormalization: layer used before it was built');
      if (kwargs['training'] !== true)
        return tf.batchNorm(x, movingMean.read(), movingVariance.read(), beta.read(), gamma.read(), this.epsilon);
      const channels = x.shape[x.rank - 1] as number;
      const { y, mean, variance } = batchNormTraining(
        tf.reshape(x, [-1, channels]) as tf.Tensor2D,
        gamma.read() as tf.Tensor1D,
        beta.read() as tf.Tensor1D,
        this.epsilon,
      );
      this.updateMovingAverages(mean, variance);
      tf.dispose([mean, variance]);
      return tf.reshape(y, x.shape);
    });
  }

  /** gamma, beta and epsilon, for a layer that computes this one's training pass ahead (see TemporalConv1D). */
  trainingParameters(): { gamma: tf.Tensor1D; beta: tf.Tensor1D; epsilon: number } {
    if (this.gamma === undefined || this.beta === undefined)
      throw new Error('FastBatchNormalization: layer used before it was built');
    return { gamma: this.gamma.read() as tf.Tensor1D, beta: this.beta.read() as tf.Tensor1D, epsilon: this.epsilon };
  }

  /**
   * As tfjs's layer: moving <- moving - (moving - batch) (1 - momentum), for the mean and the
   * (biased) variance of a training batch; one kernel where the backend has it (bit-identical),
   * else the ops.
   */
  updateMovingAverages(mean: tf.Tensor1D, variance: tf.Tensor1D): void {
    const { movingMean, movingVariance } = this;
    if (movingMean === undefined || movingVariance === undefined)
      throw new Error('FastBatchNormalization: layer used before it was built');
    tf.tidy(() => {
      if (tf.getKernel(MOVING_AVERAGES, tf.getBackend()) !== undefined) {
        const inputs = { movingMean: movingMean.read(), movingVariance: movingVariance.read(), mean, variance };
        const attrs: MovingAveragesAttrs = { momentum: this.momentum };
        const [newMean, newVariance] = tf
          .engine()
          .runKernel(MOVING_AVERAGES, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        movingMean.write(newMean as tf.Tensor);
        movingVariance.write(newVariance as tf.Tensor);
      } else {
        for (const [moving, batch] of [
          [movingMean, mean],
          [movingVariance, variance],
        ] as const) {
          const old = moving.read();
          moving.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - this.momentum)));
        }
      }
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(FastBatchNormalization);
