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
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: number[]): void;
  /** dims: [batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft]. */
  maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: number[]): void;
  /** y[i] = tanh (kind 0) or sigmoid (kind 1) of x[i], i < n. */
  activation(kind: 0 | 1, x: Float32Array, y: Float32Array, n: number): void;
  /** x as [outer, inner]: sums over outer (leading) or inner, times scale. */
  reduceSum(x: Float32Array, out: Float32Array, outer: number, inner: number, leading: boolean, scale: number): void;
  /** Resizes the thread pool (0: one thread per hardware thread); returns its size. */
  setThreads(threads: number): number;
  info(): { isa: string; threads: number; hardwareThreads: number };
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
