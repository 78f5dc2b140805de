import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';

/**
 * Two reshapes that let a per-frame CNN see every key frame of every clip in one batch:
 * `FramesToBatch` turns [batch, frames, h, w, c] into [batch x frames, h, w, c], and
 * `BatchToFrames` turns the CNN's [batch x frames, features] back into [batch, frames,
 * features]. tf.layers.reshape cannot touch the batch axis, and tf.layers.timeDistributed runs
 * the CNN once per frame (8 passes of 32 images where one pass of 256 is several times faster).
 */
export class FramesToBatch extends tf.layers.Layer {
  static readonly className = 'FramesToBatch';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    if (s.length !== 5) throw new Error(`FramesToBatch: expected [batch, frames, h, w, c], got [${s}]`);
    return [
      s[0] === null || s[1] === null ? null : (s[0] as number) * (s[1] as number),
      s[2] ?? null,
      s[3] ?? null,
      s[4] ?? null,
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const [batch, frames, h, w, c] = x.shape as [number, number, number, number, number];
    return tf.reshape(x, [batch * frames, h, w, c]);
  }
}

export interface BatchToFramesArgs {
  frames: number;
  name?: string;
}

export class BatchToFrames extends tf.layers.Layer {
  static readonly className = 'BatchToFrames';
  readonly frames: number;

  constructor(args: BatchToFramesArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.frames) || args.frames < 1)
      throw new Error(`BatchToFrames(): frames must be a positive integer, got ${args.frames}`);
    this.frames = args.frames;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    return [s[0] === null ? null : (s[0] as number) / this.frames, this.frames, ...s.slice(1)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const [rows, ...rest] = x.shape;
    return tf.reshape(x, [rows / this.frames, this.frames, ...rest]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), frames: this.frames };
  }
}

tf.serialization.registerClass(FramesToBatch);
tf.serialization.registerClass(BatchToFrames);
