import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError, errorMessage } from '../../core/errors.ts';

/**
 * motionfuse's native kernels (C++ in ./cc, built by node-gyp when the package installs; see
 * build-native.mjs). They compute in place on Float32Arrays, which for the WASM backend are views
 * of its heap, so no data is copied. Optional: when the build failed or was skipped, everything
 * runs on the WASM kernels instead, and `motionfuse doctor` says why.
 */
export interface NativeAddon {
  /** c[i] (+)= op(a[i]) . op(b[i]) for i < batch; a batch stride of 0 broadcasts that operand. */
  matMul(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    batch: number,
    M: number,
    N: number,
    K: number,
    transA: boolean,
    transB: boolean,
    batchStrideA: number,
    batchStrideB: number,
    accumulate: boolean,
  ): void;
  /** A whole LSTM layer: shapes as MotionfuseLstmSequenceForward (x [B,T,I] -> h [B,T,H], c, tanhC [T,B,H], gates [T,B,4H]). */
  lstmForward(
    x: Float32Array,
    W: Float32Array,
    U: Float32Array,
    bias: Float32Array,
    h: Float32Array,
    c: Float32Array,
    tanhC: Float32Array,
    gates: Float32Array,
    B: number,
    T: number,
    I: number,
    H: number,
  ): void;
  /** Its backpropagation through time: dy [B,T,H] -> dx [B,T,I], dW [I,4H], dU [H,4H], db [4H]. */
  lstmBackward(
    dy: Float32Array,
    x: Float32Array,
    W: Float32Array,
    U: Float32Array,
    h: Float32Array,
    c: Float32Array,
    tanhC: Float32Array,
    gates: Float32Array,
    dx: Float32Array,
    dW: Float32Array,
    dU: Float32Array,
    db: Float32Array,
    B: number,
    T: number,
    I: number,
    H: number,
  ): void;
  /** NHWC convolution, filter [fH, fW, inC, outC]; dims as convDims() in wasm-kernels/native-conv.ts. */
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, dims: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, dims: number[]): void;
  /** conv2d + bias (flags bit 0; bias ignored without it) + ReLU (bit 1), as one pass for few output channels. */
  conv2dBiasRelu(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array,
    y: Float32Array,
    dims: number[],
    flags: number,
  ): void;
  /**
   * conv2dBiasRelu, then 2x2 max pooling (stride 2, valid): y and argmax (0-3, the first maximum
   * in row-major window order) [batch, outH / 2, outW / 2, outC]; see cc/conv-pool.h.
   */
  conv2dBiasReluPool(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array,
    y: Float32Array,
    argmax: Int32Array,
    dims: number[],
    flags: number,
  ): void;
  /**
   * conv2dBiasReluPool's gradient at the conv's output dpre [batch, outH, outW, outC] and, with
   * flags bit 0, the bias's dbias [outC]; bit 1: the forward had ReLU.
   */
  conv2dBiasReluPoolGrad(
    y: Float32Array,
    dy: Float32Array,
    argmax: Int32Array,
    dpre: Float32Array,
    dbias: Float32Array,
    dims: number[],
    flags: number,
  ): void;
  /** The temporal CNN's training block forward (conv1d, BatchNorm, ReLU, pool 2); see cc/temporal-block.h. dims: conv2d's with inH = outH = 1. */
  temporalBlock(
    x: Float32Array,
    filter: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    z: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    y: Float32Array,
    argmax: Int32Array,
    dims: number[],
    epsilon: number,
  ): void;
  /** Its gradient: dz (at the convolution's output), dfilter, dgamma, dbeta. */
  temporalBlockGrad(
    x: Float32Array,
    gamma: Float32Array,
    z: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    y: Float32Array,
    argmax: Int32Array,
    dy: Float32Array,
    dz: Float32Array,
    dfilter: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    dims: number[],
    epsilon: number,
  ): void;
  /** Convolutions with 8/16/24/32 output channels and at most n input channels use the direct kernels (default 16; 0: never). */
  setConvDirectMaxInC(n: number): void;
  /** y[r, c] = x[r, c] + bias[c] for r < rows, c < channels (y may be x). */
  biasAdd(x: Float32Array, bias: Float32Array, y: Float32Array, rows: number, channels: number): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: number[]): void;
  /** dims: [batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft]. */
  maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: number[]): void;
  /** Max pooling, y [batch, outH, outW, channels]; dims as maxPoolBackprop's. */
  maxPool(x: Float32Array, y: Float32Array, dims: number[]): void;
  /** dx = dy * step(x) over n values: tfjs's ReLU gradient in one pass. */
  reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, n: number): void;
  /** y[i] = tanh (kind 0) or sigmoid (kind 1) of x[i], i < n. */
  activation(kind: 0 | 1, x: Float32Array, y: Float32Array, n: number): void;
  /** x as [outer, inner]: sums over outer (leading) or inner, times scale. */
  reduceSum(x: Float32Array, out: Float32Array, outer: number, inner: number, leading: boolean, scale: number): void;
  /** Batch normalisation in training over the rows of x [rows, channels]: y, the batch mean and biased variance. */
  batchNormTraining(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
  ): void;
  /** Its gradient: dy [rows, channels] -> dx, dgamma, dbeta. */
  batchNormTrainingGrad(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
  ): void;
  /** y = (x - mean) scale / sqrt(variance + epsilon) + offset per channel; offset/scale read only when flagged. */
  batchNormInference(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array,
    scale: Float32Array,
    y: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
    hasOffset: boolean,
    hasScale: boolean,
  ): void;
  /**
   * Attention pooling (TemporalAttentionPooling): x [B,T,F], W [F,U], b [U], v [U] -> out [B,F]; hidden
   * (tanh activations [B*T,U]) and weights [B,T] are kept for the gradient unless null.
   */
  attentionPoolForward(
    x: Float32Array,
    W: Float32Array,
    b: Float32Array,
    v: Float32Array,
    out: Float32Array,
    hidden: Float32Array | null,
    weights: Float32Array | null,
    B: number,
    T: number,
    F: number,
    U: number,
  ): void;
  /** Its gradient: dout [B,F] -> dx [B,T,F], dW [F,U], db [U], dv [U]. */
  attentionPoolBackward(
    dout: Float32Array,
    x: Float32Array,
    W: Float32Array,
    v: Float32Array,
    hidden: Float32Array,
    weights: Float32Array,
    dx: Float32Array,
    dW: Float32Array,
    db: Float32Array,
    dv: Float32Array,
    B: number,
    T: number,
    F: number,
    U: number,
  ): void;
  /**
   * One variable's Adam step (n floats) in tfjs's float32 arithmetic; outputs may alias inputs. params:
   * [learningRate, beta1, beta2, epsilon, 1 - beta1, 1 - beta2, 1 - accBeta1, 1 - accBeta2].
   */
  adamUpdate(
    x: Float32Array,
    m: Float32Array,
    v: Float32Array,
    g: Float32Array,
    xOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    n: number,
    params: Float32Array,
  ): void;
  /** Resizes the thread pool (0: one thread per hardware thread); returns its size. */
  setThreads(threads: number): number;
  info(): { isa: string; threads: number; hardwareThreads: number };
  /**
   * Compiled inference (src/models/inference): conv1d + bias + ReLU + max pool in one call. x [batch, inW, inC],
   * filter [filterW, inC, outC], bias [outC] (read when hasBias) -> y [batch, outW, outC]; dims [batch, inW, inC,
   * convW, outC, filterW, stride, dilation, padLeft, relu 0/1, pool, poolStride, outW] (pool 1: none).
   */
  convBlock(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array,
    y: Float32Array,
    dims: number[],
    hasBias: boolean,
  ): void;
  /** y [M, N] = act(x [M, K] . W [K, N] + bias); activation 0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 softmax (rows). */
  denseForward(
    x: Float32Array,
    W: Float32Array,
    bias: Float32Array,
    y: Float32Array,
    M: number,
    K: number,
    N: number,
    activation: number,
    hasBias: boolean,
  ): void;
  /** An LSTM layer at inference (nothing saved for a backward pass): h [B, T, H] with sequences, else [B, H]. */
  lstmInfer(
    x: Float32Array,
    W: Float32Array,
    U: Float32Array,
    bias: Float32Array,
    h: Float32Array,
    B: number,
    T: number,
    I: number,
    H: number,
    sequences: boolean,
  ): void;
  /** Additive attention pooling at inference: x [B, T, F], W [F, U], b [U], v [U] -> y [B, F]. */
  attentionPool(
    x: Float32Array,
    W: Float32Array,
    b: Float32Array,
    v: Float32Array,
    y: Float32Array,
    B: number,
    T: number,
    F: number,
    U: number,
  ): void;
}

export interface NativeStatus {
  addon: NativeAddon | undefined;
  /** What loaded (ISA, threads), or why nothing did. */
  reason: string;
}

export const NATIVE_ADDON_PATH = fileURLToPath(new URL('./build/Release/motionfuse_native.node', import.meta.url));

let cached: NativeStatus | undefined;

/**
 * Loads the addon once. MOTIONFUSE_NATIVE=off skips it; MOTIONFUSE_THREADS=N sizes its thread
 * pool (default: one per hardware thread).
 */
export function loadNativeAddon(): NativeStatus {
  cached ??= load();
  return cached;
}

function load(): NativeStatus {
  if (process.env['MOTIONFUSE_NATIVE'] === 'off')
    return { addon: undefined, reason: 'disabled by MOTIONFUSE_NATIVE=off' };
  if (!existsSync(NATIVE_ADDON_PATH)) {
    return {
      addon: undefined,
      reason: 'not built (the install step could not compile it; run `npm run build:native` to see why)',
    };
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
  } catch (err) {
    return {
      addon: undefined,
      reason: `failed to load: ${errorMessage(err).split('\n')[0]} (run \`npm run build:native\` to rebuild)`,
    };
  }
  const threads = parseThreadCount(process.env['MOTIONFUSE_THREADS']);
  if (threads !== undefined) addon.setThreads(threads);
  const { isa, threads: pool } = addon.info();
  return { addon, reason: `${isa}, ${pool} thread${pool === 1 ? '' : 's'}` };
}

/** MOTIONFUSE_THREADS: unset or empty for the default, else 0 (one per hardware thread) to 256. */
export function parseThreadCount(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) {
    throw new UserError(
      `MOTIONFUSE_THREADS: expected a whole number from 0 to 256, got '${value}'`,
      'Unset it for one thread per hardware thread, or give the number of threads for the native kernels.',
    );
  }
  return n;
}
