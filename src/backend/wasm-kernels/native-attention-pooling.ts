import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * TemporalAttentionPooling (s = tanh(x W + b) v, w = softmax_t(s), out = sum_t w_t x_t) as two
 * native kernels, in place of ~8 forward and ~20 taped backward ops. Only the native set has them:
 * without the addon the layer runs as stock ops (src/models/ops/attention-pooling.ts).
 *
 * MotionfuseAttentionPooling: x [B,T,F], kernel [F,U], bias [U], context [U,1] -> out [B,F], and
 * with attr keepActivations also hidden [B*T,U] (the tanh activations) and weights [B,T] for the
 * gradient. MotionfuseAttentionPoolingGrad: dy [B,F], x, kernel, context, hidden, weights ->
 * dx, dkernel, dbias, dcontext.
 */
export const ATTENTION_POOLING = 'MotionfuseAttentionPooling';
export const ATTENTION_POOLING_GRAD = 'MotionfuseAttentionPoolingGrad';
/** Kernels only the native set registers (the JavaScript set removes them). */
export const NATIVE_ONLY_ATTENTION_KERNELS: readonly string[] = [ATTENTION_POOLING, ATTENTION_POOLING_GRAD];

function attentionShape(kernelName: string, x: TensorInfo, kernel: TensorInfo, context: TensorInfo) {
  const [B, T, F] = x.shape as [number, number, number];
  const U = kernel.shape[1] as number;
  if (x.shape.length !== 3 || kernel.shape[0] !== F || context.shape[0] !== U || (context.shape[1] ?? 1) !== 1) {
    throw new Error(
      `${kernelName}: shapes x [${x.shape}], kernel [${kernel.shape}], context [${context.shape}] do not fit`,
    );
  }
  return { B, T, F, U };
}

export function nativeAttentionPoolingConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; kernel: TensorInfo; bias: TensorInfo; context: TensorInfo };
    backend: WasmBackend;
    attrs: { keepActivations?: boolean };
  }): TensorInfo | TensorInfo[] => {
    const { inputs, backend } = args;
    for (const [name, t] of Object.entries(inputs)) checkFloat32(ATTENTION_POOLING, name, t);
    const { x, kernel, bias, context } = inputs;
    const { B, T, F, U } = attentionShape(ATTENTION_POOLING, x, kernel, context);
    if (bias.shape.length !== 1 || bias.shape[0] !== U) {
      throw new Error(`${ATTENTION_POOLING}: bias must be [${U}], got [${bias.shape}]`);
    }
    const keep = args.attrs.keepActivations === true;
    const out = backend.makeOutput([B, F], 'float32');
    const kept = keep ? [backend.makeOutput([B * T, U], 'float32'), backend.makeOutput([B, T], 'float32')] : [];
    if (B * T * F === 0) {
      heapFloat32(backend, out).fill(0);
      return keep ? [out, ...kept] : out;
    }
    // Views only after every allocation: an allocation may grow (and so move) the heap.
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    const [hidden, weights] = kept;
    addon.attentionPoolForward(
      view(x),
      view(kernel),
      view(bias),
      view(context),
      view(out),
      hidden === undefined ? null : view(hidden),
      weights === undefined ? null : view(weights),
      B,
      T,
      F,
      U,
    );
    // A lone output is returned bare: the engine hands an array result back as an array.
    return keep ? [out, ...kept] : out;
  };
  return { kernelName: ATTENTION_POOLING, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function nativeAttentionPoolingGradConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: {
      dy: TensorInfo;
      x: TensorInfo;
      kernel: TensorInfo;
      context: TensorInfo;
      hidden: TensorInfo;
      weights: TensorInfo;
    };
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { inputs, backend } = args;
    for (const [name, t] of Object.entries(inputs)) checkFloat32(ATTENTION_POOLING_GRAD, name, t);
    const { dy, x, kernel, context, hidden, weights } = inputs;
    const { B, T, F, U } = attentionShape(ATTENTION_POOLING_GRAD, x, kernel, context);
    const dx = backend.makeOutput([B, T, F], 'float32');
    const dKernel = backend.makeOutput([F, U], 'float32');
    const dBias = backend.makeOutput([U], 'float32');
    const dContext = backend.makeOutput([U, 1], 'float32');
    const grads = [dx, dKernel, dBias, dContext];
    if (B * T * F === 0) {
      for (const t of grads) heapFloat32(backend, t).fill(0);
      return grads;
    }
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    addon.attentionPoolBackward(
      view(dy),
      view(x),
      view(kernel),
      view(context),
      view(hidden),
      view(weights),
      view(dx),
      view(dKernel),
      view(dBias),
      view(dContext),
      B,
      T,
      F,
      U,
    );
    return grads;
  };
  return { kernelName: ATTENTION_POOLING_GRAD, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
