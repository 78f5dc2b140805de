import * as tf from '@tensorflow/tfjs';
import { recordingGradients } from '../ops/recording-gradients.ts';
import { temporalBlock, temporalBlockAvailable, temporalBlockSteps } from '../ops/temporal-block.ts';
import { FastBatchNormalization, type FastBatchNormalizationArgs } from './fast-batch-normalization.ts';
import { isComputedAhead, markComputedAhead, passOn } from './computed-ahead.ts';

type ConvArgs = Parameters<typeof tf.layers.conv1d>[0];
type ReluArgs = Parameters<typeof tf.layers.reLU>[0];
type PoolArgs = Parameters<typeof tf.layers.maxPooling1d>[0];

/** The fields of tfjs-layers' Conv1D that decide whether it can run its block as one kernel. */
interface Conv1DFields {
  kernel: tf.LayerVariable;
  useBias: boolean;
  strides: number[];
  padding: string;
  dilationRate: number[];
  activation: { getClassName(): string };
}

/** tfjs-layers' classes, exported only through their factories (probes named: no default name used up). */
const classOf = <A>(layer: tf.layers.Layer) =>
  Object.getPrototypeOf(layer).constructor as new (args: A) => tf.layers.Layer;
const StockConv1D = classOf<ConvArgs>(tf.layers.conv1d({ filters: 1, kernelSize: 1, name: 'temporal_conv1d_probe' }));
const StockReLU = classOf<ReluArgs>(tf.layers.reLU({ name: 'temporal_relu_probe' }));
const StockMaxPooling1D = classOf<PoolArgs>(tf.layers.maxPooling1d({ poolSize: 2, name: 'temporal_pool_probe' }));

/**
 * tf.layers.conv1d that, in training, can compute its whole block ahead: linked (linkBlock) to
 * the BatchNorm, ReLU and max pooling that alone follow it, it runs conv -> BatchNorm -> ReLU ->
 * pool of 2 as one kernel with its gradient (`temporalBlock`), updates the BatchNorm's moving
 * averages, and returns the pooled output, which the three pass on. Everywhere else (inference,
 * Grad-CAM's gradients with training false, other backends, other settings) exactly the stock
 * layer; the same class name and config, so saved models hold the plain layers.
 */
export class FastConv1D extends StockConv1D {
  static readonly className = 'Conv1D';
  private block: { bn: FastBatchNormalization; relu: FastReLU; pool: FastMaxPooling1D } | undefined;

  /** Links the layers that alone read this one's output, in order; the caller vouches for that. */
  linkBlock(bn: FastBatchNormalization, relu: FastReLU, pool: FastMaxPooling1D): void {
    this.block = { bn, relu, pool };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const c = this as unknown as Conv1DFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const block = this.block;
    const attrs = () => ({ pad: c.padding as 'same' | 'valid', dilation: c.dilationRate[0] as number });
    if (
      block !== undefined &&
      kwargs['training'] === true &&
      recordingGradients() &&
      temporalBlockAvailable() &&
      x !== undefined &&
      x.rank === 3 &&
      x.dtype === 'float32' &&
      !c.useBias &&
      c.activation.getClassName() === 'linear' &&
      c.strides[0] === 1 &&
      (c.padding === 'same' || c.padding === 'valid') &&
      block.relu.isPlain() &&
      block.pool.isPairs() &&
      temporalBlockSteps(x.shape, c.kernel.shape as number[], attrs()) > 0
    ) {
      return markComputedAhead(
        tf.tidy(() => {
          const { gamma, beta, epsilon } = block.bn.trainingParameters();
          const out = temporalBlock(x as tf.Tensor3D, c.kernel.read() as tf.Tensor3D, gamma, beta, {
            ...attrs(),
            epsilon,
          });
          block.bn.updateMovingAverages(out.mean, out.variance);
          return out.y;
        }),
      );
    }
    return super.call(inputs, kwargs);
  }
}

/** tf.layers.reLU that passes on what its linked FastConv1D computed ahead; else the stock layer. */
export class FastReLU extends StockReLU {
  static readonly className = 'ReLU';

  /** max(x, 0) with no upper bound: what the temporal block kernel applies. */
  isPlain(): boolean {
    const maxValue = (this as unknown as { maxValue?: number | null }).maxValue;
    return maxValue === undefined || maxValue === null;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (isComputedAhead(inputs)) return passOn(inputs);
    return super.call(inputs, kwargs);
  }
}

/** tf.layers.maxPooling1d that passes on what its linked FastConv1D computed ahead; else the stock layer. */
export class FastMaxPooling1D extends StockMaxPooling1D {
  static readonly className = 'MaxPooling1D';

  /** Windows of 2, stride 2, valid padding: the pooling the temporal block kernel does. */
  isPairs(): boolean {
    const p = this as unknown as { poolSize: number[]; strides: number[]; padding: string };
    return p.poolSize[0] === 2 && p.strides[0] === 2 && p.padding === 'valid';
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (isComputedAhead(inputs)) return passOn(inputs);
    return super.call(inputs, kwargs);
  }
}

/**
 * conv1d (no bias) -> BatchNorm -> ReLU -> max pool, linked so that in training the block runs as
 * one kernel each way where the backend has it: the temporal CNN encoder's block.
 */
export function temporalConvBlock(
  x: tf.SymbolicTensor,
  args: { conv: ConvArgs; batchNorm: FastBatchNormalizationArgs; relu: ReluArgs; pool: PoolArgs },
): tf.SymbolicTensor {
  const conv = new FastConv1D(args.conv);
  const bn = new FastBatchNormalization(args.batchNorm);
  const relu = new FastReLU(args.relu);
  const pool = new FastMaxPooling1D(args.pool);
  conv.linkBlock(bn, relu, pool);
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor) => layer.apply(input) as tf.SymbolicTensor;
  return apply(pool, apply(relu, apply(bn, apply(conv, x))));
}
