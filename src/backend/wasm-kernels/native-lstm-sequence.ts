import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';
import { LSTM_SEQUENCE_FORWARD } from './lstm-sequence-forward.ts';
import { LSTM_SEQUENCE_BACKWARD } from './lstm-sequence-backward.ts';

/**
 * MotionfuseLstmSequenceForward/Backward computed by the native addon: the whole recurrence in
 * one call, batch rows split across threads, gate arithmetic vectorised. Same inputs, outputs
 * and layouts as the JavaScript kernels beside this file, which remain the fallback.
 */
function lstmShape(x: TensorInfo, recurrentKernel: TensorInfo) {
  const [B, T, I] = x.shape as [number, number, number];
  return { B, T, I, H: recurrentKernel.shape[0] as number };
}

export function nativeLstmForwardConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; kernel: TensorInfo; recurrentKernel: TensorInfo; bias: TensorInfo };
    backend: WasmBackend;
  }): TensorInfo[] => {
    const {
      inputs: { x, kernel, recurrentKernel, bias },
      backend,
    } = args;
    for (const [name, t] of Object.entries(args.inputs)) checkFloat32(LSTM_SEQUENCE_FORWARD, name, t);
    const { B, T, I, H } = lstmShape(x, recurrentKernel);
    const G = 4 * H;
    if (kernel.shape[0] !== I || kernel.shape[1] !== G || recurrentKernel.shape[1] !== G || bias.shape[0] !== G) {
      throw new Error(
        `${LSTM_SEQUENCE_FORWARD}: shapes x [${x.shape}], kernel [${kernel.shape}], recurrentKernel [${recurrentKernel.shape}], bias [${bias.shape}] do not fit`,
      );
    }
    const h = backend.makeOutput([B, T, H], 'float32');
    const c = backend.makeOutput([T, B, H], 'float32');
    const tanhC = backend.makeOutput([T, B, H], 'float32');
    const gates = backend.makeOutput([T, B, G], 'float32');
    if (B * T === 0) return [h, c, tanhC, gates];
    // Views only after every allocation: an allocation may grow (and so move) the heap.
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    addon.lstmForward(
      view(x),
      view(kernel),
      view(recurrentKernel),
      view(bias),
      view(h),
      view(c),
      view(tanhC),
      view(gates),
      B,
      T,
      I,
      H,
    );
    return [h, c, tanhC, gates];
  };
  return { kernelName: LSTM_SEQUENCE_FORWARD, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function nativeLstmBackwardConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: {
      dy: TensorInfo;
      x: TensorInfo;
      kernel: TensorInfo;
      recurrentKernel: TensorInfo;
      h: TensorInfo;
      c: TensorInfo;
      tanhC: TensorInfo;
      gates: TensorInfo;
    };
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { inputs, backend } = args;
    for (const [name, t] of Object.entries(inputs)) checkFloat32(LSTM_SEQUENCE_BACKWARD, name, t);
    const { dy, x, kernel, recurrentKernel, h, c, tanhC, gates } = inputs;
    const { B, T, I, H } = lstmShape(x, recurrentKernel);
    const G = 4 * H;
    const dx = backend.makeOutput([B, T, I], 'float32');
    const dW = backend.makeOutput([I, G], 'float32');
    const dU = backend.makeOutput([H, G], 'float32');
    const db = backend.makeOutput([G], 'float32');
    if (B * T === 0) {
      for (const t of [dW, dU, db]) heapFloat32(backend, t).fill(0);
      return [dx, dW, dU, db];
    }
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    addon.lstmBackward(
      view(dy),
      view(x),
      view(kernel),
      view(recurrentKernel),
      view(h),
      view(c),
      view(tanhC),
      view(gates),
      view(dx),
      view(dW),
      view(dU),
      view(db),
      B,
      T,
      I,
      H,
    );
    return [dx, dW, dU, db];
  };
  return { kernelName: LSTM_SEQUENCE_BACKWARD, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
