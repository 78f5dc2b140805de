import * as tf from '@tensorflow/tfjs';
import { singleShape } from './input-shape.ts';
import { mixJoints, mixJointsFixed } from '../ops/mix-joints.ts';

/**
 * ST-GCN's spatial graph convolution (Yan, Xiong and Lin, AAAI 2018) over joints:
 *   out[b, t, v, o] = sum_k sum_w (A_k o M_k)[v, w] sum_c x[b, t, w, c] W_k[c, o] + bias[o]
 * Input [batch, time, joints V, channels C] -> output [batch, time, V, filters]. A_k are the
 * normalised adjacency partitions (`spatialPartitions`), fixed; M_k the learnable edge importance
 * (initialised to ones; only entries where A_k is nonzero matter); W_k learnable, one per partition.
 * The joints are mixed first and the channels second (the same sum in the other order): mixing
 * costs in proportion to the channels it carries, and C is the smaller side in ST-GCN's widening
 * blocks. The partitions are part of the config, so a saved model reloads without its joint set.
 */
export interface GraphConvolutionArgs {
  /** Output channels per joint. */
  filters: number;
  /** The K adjacency partitions, each V x V row-major: entry [v * V + w] weighs joint w in joint v's output. */
  partitions: readonly ArrayLike<number>[];
  /** Learn a mask M_k over each partition's edges (ST-GCN's edge importance weighting). Default true. */
  edgeImportance?: boolean;
  /** Add a bias per output channel. Default true; off before a BatchNorm, whose offset does the same. */
  useBias?: boolean;
  /** Seed of the Glorot-uniform initialiser of W. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

export class GraphConvolution extends tf.layers.Layer {
  static readonly className = 'GraphConvolution';
  readonly filters: number;
  readonly partitions: number[][];
  readonly joints: number;
  readonly edgeImportance: boolean;
  readonly useBias: boolean;
  private readonly seed: number | undefined;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;
  private importance: tf.LayerVariable | undefined;
  /** The partitions stacked joint-major, [V * K, V], row v * K + k = A_k[v, :]: kept, released in dispose. */
  private stacked: tf.Tensor2D | undefined;

  constructor(args: GraphConvolutionArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.trainable !== undefined) this.trainable = args.trainable;
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new Error(`GraphConvolution(): filters must be a whole number >= 1, got ${args.filters}`);
    const K = args.partitions.length;
    const V = Math.round(Math.sqrt(args.partitions[0]?.length ?? 0));
    if (K === 0 || V === 0 || args.partitions.some((p) => p.length !== V * V))
      throw new Error(
        `GraphConvolution(): partitions must be one or more V x V matrices, got lengths [${args.partitions.map((p) => p.length).join(', ')}]`,
      );
    this.filters = args.filters;
    this.partitions = args.partitions.map((p) => Array.from(p));
    this.joints = V;
    this.edgeImportance = args.edgeImportance ?? true;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[3];
    if (shape.length !== 4 || shape[2] !== this.joints || channels === null || channels === undefined)
      throw new Error(
        `GraphConvolution: expected input [batch, time, ${this.joints}, channels] with known channels, got [${shape}]`,
      );
    const K = this.partitions.length;
    const V = this.joints;
    this.kernel = this.addWeight(
      'kernel',
      [K * channels, this.filters],
      'float32',
      tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    if (this.edgeImportance)
      this.importance = this.addWeight('edge_importance', [V * K, V], 'float32', tf.initializers.ones());
    const stacked = new Float32Array(V * K * V);
    this.partitions.forEach((p, k) => {
      for (let v = 0; v < V; v++) stacked.set(p.slice(v * V, (v + 1) * V), (v * K + k) * V);
    });
    this.stacked?.dispose();
    this.stacked = tf.keep(tf.tensor2d(stacked, [V * K, V]));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return [shape[0] ?? null, shape[1] ?? null, this.joints, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor4D) : (inputs as tf.Tensor4D);
      if (this.kernel === undefined || this.stacked === undefined)
        throw new Error('GraphConvolution: layer used before it was built');
      const [B, T, V, C] = x.shape;
      const K = this.partitions.length;
      const flat = tf.reshape(x, [B * T, V, C]) as tf.Tensor3D;
      // [B*T, V*K, C]: row v*K + k holds partition k's mix for joint v, so the reshape below lines
      // up (k, c) with the kernel's rows.
      const mixed =
        this.importance === undefined
          ? mixJointsFixed(this.stacked, flat)
          : mixJoints(tf.mul(this.stacked, this.importance.read()) as tf.Tensor2D, flat);
      let y = tf.matMul(tf.reshape(mixed, [B * T * V, K * C]), this.kernel.read() as tf.Tensor2D);
      if (this.bias !== undefined) y = tf.add(y, this.bias.read());
      return tf.reshape(y, [B, T, V, this.filters]);
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      this.stacked?.dispose();
      this.stacked = undefined;
    }
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      filters: this.filters,
      partitions: this.partitions,
      edgeImportance: this.edgeImportance,
      useBias: this.useBias,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}

tf.serialization.registerClass(GraphConvolution);
