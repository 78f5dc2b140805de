import * as tf from '@tensorflow/tfjs';
import { lstmSequence } from '../ops/lstm-sequence.ts';

/**
 * An LSTM layer computing what tf.layers.lstm computes with recurrentActivation 'sigmoid'
 * (and PyTorch's nn.LSTM with one bias), through `lstmSequence`: fused kernels on WASM, plain ops
 * elsewhere. Weights have tf.layers.lstm's names, shapes and gate order, so weights move between
 * the two layers. Zero initial state; no masking.
 */
export interface FastLstmArgs {
  units: number;
  /** Return the whole sequence [B, T, H] (true) or the last step [B, H] (false, default). */
  returnSequences?: boolean;
  /** Seed of the initialisers (Glorot-uniform kernel, orthogonal-like recurrent kernel), for reproducible runs. */
  seed?: number;
  /** Add 1 to the forget gate's bias at initialisation (default true, as Keras). */
  unitForgetBias?: boolean;
  inputShape?: tf.Shape;
  name?: string;
  trainable?: boolean;
}

export class FastLstm extends tf.layers.Layer {
  static readonly className = 'FastLstm';
  readonly units: number;
  readonly returnSequences: boolean;
  private readonly seed: number | undefined;
  private readonly unitForgetBias: boolean;
  private kernel: tf.LayerVariable | undefined;
  private recurrentKernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;

  constructor(args: FastLstmArgs) {
    const base: { name?: string; inputShape?: tf.Shape; trainable?: boolean } = {};
    if (args.name !== undefined) base.name = args.name;
    if (args.inputShape !== undefined) base.inputShape = args.inputShape;
    if (args.trainable !== undefined) base.trainable = args.trainable;
    super(base);
    if (!Number.isInteger(args.units) || args.units <= 0)
      throw new Error(`FastLstm(): units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
    this.seed = args.seed;
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[2];
    if (shape.length !== 3 || features === null || features === undefined) {
      throw new Error(`FastLstm: expected input [batch, time, features] with known features, got [${shape}]`);
    }
    const H = this.units;
    const seeded = <T>(make: (seed: number | undefined) => T, offset: number) =>
      make(this.seed === undefined ? undefined : this.seed + offset);
    this.kernel = this.addWeight(
      'kernel',
      [features, 4 * H],
      'float32',
      seeded((seed) => tf.initializers.glorotUniform(seed === undefined ? {} : { seed }), 0),
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [H, 4 * H],
      'float32',
      seeded((seed) => tf.initializers.glorotUniform(seed === undefined ? {} : { seed }), 1),
    );
    this.bias = this.addWeight('bias', [4 * H], 'float32', tf.initializers.zeros());
    if (this.unitForgetBias) {
      const ones = tf.tidy(() => tf.concat([tf.zeros([H]), tf.ones([H]), tf.zeros([2 * H])]));
      this.bias.write(ones);
      ones.dispose();
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0] ?? null, shape[1] ?? null, this.units] : [shape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (this.kernel === undefined || this.recurrentKernel === undefined || this.bias === undefined) {
        throw new Error('FastLstm: layer used before it was built');
      }
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const h = lstmSequence(
        x,
        this.kernel.read() as tf.Tensor2D,
        this.recurrentKernel.read() as tf.Tensor2D,
        this.bias.read() as tf.Tensor1D,
      );
      if (this.returnSequences) return h;
      const [B, T, H] = h.shape;
      return tf.reshape(tf.slice(h, [0, T - 1, 0], [B, 1, H]), [B, H]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      unitForgetBias: this.unitForgetBias,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}

tf.serialization.registerClass(FastLstm);
