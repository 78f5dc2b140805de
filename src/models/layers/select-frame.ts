import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';

/** [batch, frames, ...] -> [batch, ...]: one frame of each clip (the single-frame baseline's input). */
export interface SelectFrameArgs {
  index: number;
  name?: string;
}

export class SelectFrame extends tf.layers.Layer {
  static readonly className = 'SelectFrame';
  readonly index: number;

  constructor(args: SelectFrameArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.index) || args.index < 0)
      throw new Error(`SelectFrame(): index must be a whole number >= 0, got ${args.index}`);
    this.index = args.index;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    return [s[0] ?? null, ...s.slice(2)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (this.index >= (x.shape[1] as number)) throw new Error(`SelectFrame: frame ${this.index} of ${x.shape[1]}`);
    return tf.squeeze(tf.slice(x, [0, this.index], [-1, 1]), [1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}

tf.serialization.registerClass(SelectFrame);
