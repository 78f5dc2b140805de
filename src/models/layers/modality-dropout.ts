import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';

/**
 * Modality dropout on fused features [batch, sum(widths)]: the vector is the concatenation of
 * one segment per modality (`widths`); in training, each sample loses one whole segment
 * (zeroed, chosen uniformly) with probability `rate`, so the classifier cannot lean on one
 * sensor alone and copes when a stream is missing at test time. Never more than one segment a
 * sample, so something always remains. At inference it is the identity.
 *
 * The draw is seeded and advances per call, so training is reproducible without repeating one
 * mask every batch (tfjs's own dropout with a fixed seed does repeat it).
 */
export interface ModalityDropoutArgs {
  widths: number[];
  rate: number;
  seed: number;
  name?: string;
}

export class ModalityDropout extends tf.layers.Layer {
  static readonly className = 'ModalityDropout';
  readonly widths: number[];
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: ModalityDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.widths.length < 2 || args.widths.some((w) => !Number.isInteger(w) || w < 1))
      throw new Error(
        `ModalityDropout(): widths must be two or more whole numbers >= 1, got [${args.widths.join(', ')}]`,
      );
    if (!(args.rate >= 0 && args.rate < 1))
      throw new Error(`ModalityDropout(): rate must be in [0, 1), got ${args.rate}`);
    this.widths = [...args.widths];
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    const total = this.widths.reduce((a, b) => a + b, 0);
    if (x.shape[1] !== total)
      throw new Error(`ModalityDropout: input has ${x.shape[1]} features, widths sum to ${total}`);
    const batch = x.shape[0] as number;
    const M = this.widths.length;
    // u < rate drops segment floor(u / rate * M); u >= rate drops none. The mask is built here from
    // the draw (batch x features, tiny): as tensor ops it took ~10 kernels, one of them a
    // broadcasting NotEqual at ~1 ms on WASM. Float32 rounding as the ops had it.
    const draw = tf.randomUniform([batch, 1], 0, 1, 'float32', this.seed + this.calls++);
    const u = draw.dataSync();
    draw.dispose();
    const rate = Math.fround(this.rate);
    const scale = Math.fround(M / this.rate);
    const starts = this.widths.map((_, m) => this.widths.slice(0, m).reduce((a, c) => a + c, 0));
    const keep = new Float32Array(batch * total).fill(1);
    for (let b = 0; b < batch; b++) {
      const ub = u[b] as number;
      if (!(ub < rate)) continue;
      const dropped = Math.min(Math.floor(Math.fround(ub * scale)), M - 1);
      const start = (starts[dropped] as number) + b * total;
      keep.fill(0, start, start + (this.widths[dropped] as number));
    }
    return tf.tidy(() => tf.mul(x, tf.tensor2d(keep, [batch, total])));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), widths: this.widths, rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(ModalityDropout);
