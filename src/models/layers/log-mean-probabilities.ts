import * as tf from '@tensorflow/tfjs';

/**
 * Late fusion's combination: the logits of several heads -> log of the mean of their softmax
 * probabilities. The softmax of the output is that mean, so the network's first output reads as
 * logits like any other model's, and the prediction is the class the heads agree on most.
 * With `weights`, a weighted mean instead (weights sum to 1).
 */
export interface LogMeanProbabilitiesArgs {
  weights?: number[];
  name?: string;
}

export class LogMeanProbabilities extends tf.layers.Layer {
  static readonly className = 'LogMeanProbabilities';
  private headWeights: number[] | undefined;

  constructor(args: LogMeanProbabilitiesArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.weights !== undefined) this.setHeadWeights(args.weights);
  }

  /** The heads' weights in the mean (undefined: equal). */
  get weightsOfHeads(): readonly number[] | undefined {
    return this.headWeights;
  }

  /** Weights fitted after training (late fusion weighted on the validation group); saved with the model. */
  setHeadWeights(weights: readonly number[]): void {
    const sum = weights.reduce((a, b) => a + b, 0);
    if (weights.some((w) => !(w >= 0)) || Math.abs(sum - 1) > 1e-6)
      throw new Error(`LogMeanProbabilities(): weights must be >= 0 and sum to 1, got [${weights.join(', ')}]`);
    this.headWeights = [...weights];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = inputShape as tf.Shape[];
    return Array.isArray(shapes[0]) ? (shapes[0] as tf.Shape) : (inputShape as tf.Shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const heads = Array.isArray(inputs) ? inputs : [inputs];
    const weights = this.weightsOfHeads ?? heads.map(() => 1 / heads.length);
    if (weights.length !== heads.length)
      throw new Error(`LogMeanProbabilities: ${heads.length} heads but ${weights.length} weights`);
    return tf.tidy(() => {
      const mean = tf.addN(heads.map((logits, i) => tf.mul(tf.softmax(logits), weights[i] as number)));
      return tf.log(tf.maximum(mean, 1e-12));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.headWeights === undefined ? {} : { weights: [...this.headWeights] }) };
  }
}

tf.serialization.registerClass(LogMeanProbabilities);
