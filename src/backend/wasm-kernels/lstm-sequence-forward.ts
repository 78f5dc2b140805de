import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';
import { matMulNN } from './mat-mul.ts';

/**
 * The whole forward recurrence of an LSTM layer in one kernel (WASM backend), so that a sequence
 * costs one input-projection product, one small product per step and plain loops over memory,
 * instead of a dozen tfjs ops (each with engine bookkeeping) per step.
 *
 * Inputs: x [B, T, I], kernel W [I, 4H], recurrentKernel U [H, 4H], bias b [4H]; gate order
 * i, f, g (cell candidate), o, as tf.layers.lstm. Zero initial state; sigmoid gates, tanh cell.
 * Outputs: h [B, T, H] (the layer's sequence output), and for the backward kernel, time-major:
 * c [T, B, H], tanh(c) [T, B, H] and the activated gates [T, B, 4H].
 */
export const LSTM_SEQUENCE_FORWARD = 'MotionfuseLstmSequenceForward';

/**
 * Below this many gate values per step (B * 4H), the nonlinearities are computed inline in JS:
 * three kernel calls (each with an allocation) cost more than a few hundred Math.exp. Above it,
 * the backend's vectorised Sigmoid/Tanh kernels win. Tests move it to exercise both paths.
 */
export const lstmForwardLimits = { vectorisedMinGateValues: 4096 };

export function lstmSequenceForwardWasm(args: {
  inputs: { x: TensorInfo; kernel: TensorInfo; recurrentKernel: TensorInfo; bias: TensorInfo };
  backend: WasmBackend;
}): TensorInfo[] {
  const {
    inputs: { x, kernel, recurrentKernel, bias },
    backend,
  } = args;
  for (const [name, t] of Object.entries(args.inputs)) checkFloat32(LSTM_SEQUENCE_FORWARD, name, t);
  const [B, T, I] = x.shape as [number, number, number];
  const H = recurrentKernel.shape[0] as number;
  const G = 4 * H;
  if (kernel.shape[0] !== I || kernel.shape[1] !== G || recurrentKernel.shape[1] !== G || bias.shape[0] !== G) {
    throw new Error(
      `${LSTM_SEQUENCE_FORWARD}: shapes x [${x.shape}], kernel [${kernel.shape}], recurrentKernel [${recurrentKernel.shape}], bias [${bias.shape}] do not fit`,
    );
  }

  // Input projection for every (b, t) at once: row b*T + t of [B*T, 4H].
  const xProj = matMulNN({ dataId: x.dataId, shape: [1, B * T, I], dtype: 'float32' }, kernel, backend);
  const h = backend.makeOutput([B, T, H], 'float32');
  const c = backend.makeOutput([T, B, H], 'float32');
  const tanhC = backend.makeOutput([T, B, H], 'float32');
  const gates = backend.makeOutput([T, B, G], 'float32');
  const hPrev = backend.makeOutput([1, B, H], 'float32');
  const z = backend.makeOutput([B, G], 'float32');
  const cStep = backend.makeOutput([B, H], 'float32');

  for (let t = 0; t < T; t++) {
    // z = x_t W + b + h_{t-1} U (no recurrent term at t = 0, where h = 0).
    const rec = t > 0 ? matMulNN(hPrev, recurrentKernel, backend) : undefined;
    {
      const zv = heapFloat32(backend, z);
      const xp = heapFloat32(backend, xProj);
      const bv = heapFloat32(backend, bias);
      const rv = rec === undefined ? undefined : heapFloat32(backend, rec);
      for (let b = 0; b < B; b++) {
        const xr = (b * T + t) * G;
        const zr = b * G;
        for (let k = 0; k < G; k++)
          zv[zr + k] = (xp[xr + k] as number) + (bv[k] as number) + (rv === undefined ? 0 : (rv[zr + k] as number));
      }
    }
    if (rec !== undefined) backend.disposeData(rec.dataId);
    if (B * G < lstmForwardLimits.vectorisedMinGateValues) {
      inlineStep(t, B, H, backend, { z, c, tanhC, gates, h, hPrev }, T);
      continue;
    }
    // The nonlinearities run in the backend's vectorised kernels over the whole [B, 4H] block:
    // far faster than Math.exp per element (the i, f, o columns of tanh(z) and the g columns of
    // sigmoid(z) are computed and not used; that costs less than splitting).
    const sig = unary('Sigmoid', z, backend);
    const th = unary('Tanh', z, backend);
    {
      const sv = heapFloat32(backend, sig);
      const tv = heapFloat32(backend, th);
      const cv = heapFloat32(backend, c);
      const cs = heapFloat32(backend, cStep);
      const gv = heapFloat32(backend, gates);
      for (let b = 0; b < B; b++) {
        const zr = b * G;
        const gr = (t * B + b) * G;
        const cr = (t * B + b) * H;
        const cp = ((t - 1) * B + b) * H;
        for (let j = 0; j < H; j++) {
          const i = sv[zr + j] as number;
          const f = sv[zr + H + j] as number;
          const g = tv[zr + 2 * H + j] as number;
          const o = sv[zr + 3 * H + j] as number;
          const cNew = (t > 0 ? f * (cv[cp + j] as number) : 0) + i * g;
          gv[gr + j] = i;
          gv[gr + H + j] = f;
          gv[gr + 2 * H + j] = g;
          gv[gr + 3 * H + j] = o;
          cv[cr + j] = cNew;
          cs[b * H + j] = cNew;
        }
      }
    }
    backend.disposeData(sig.dataId);
    backend.disposeData(th.dataId);
    const tc = unary('Tanh', cStep, backend);
    {
      const tcv = heapFloat32(backend, tc);
      const tcs = heapFloat32(backend, tanhC);
      const gv = heapFloat32(backend, gates);
      const hv = heapFloat32(backend, h);
      const hp = heapFloat32(backend, hPrev);
      tcs.set(tcv.subarray(0, B * H), t * B * H);
      for (let b = 0; b < B; b++) {
        const gr = (t * B + b) * G + 3 * H;
        const hr = (b * T + t) * H;
        for (let j = 0; j < H; j++) {
          const hNew = (gv[gr + j] as number) * (tcv[b * H + j] as number);
          hv[hr + j] = hNew;
          hp[b * H + j] = hNew;
        }
      }
    }
    backend.disposeData(tc.dataId);
  }
  for (const scratch of [xProj, hPrev, z, cStep]) backend.disposeData(scratch.dataId);
  return [h, c, tanhC, gates];
}

/** One time step's gates, cell and output computed inline (small batches; see lstmForwardLimits). */
function inlineStep(
  t: number,
  B: number,
  H: number,
  backend: WasmBackend,
  bufs: { z: TensorInfo; c: TensorInfo; tanhC: TensorInfo; gates: TensorInfo; h: TensorInfo; hPrev: TensorInfo },
  T: number,
): void {
  const G = 4 * H;
  const zv = heapFloat32(backend, bufs.z);
  const cv = heapFloat32(backend, bufs.c);
  const tcv = heapFloat32(backend, bufs.tanhC);
  const gv = heapFloat32(backend, bufs.gates);
  const hv = heapFloat32(backend, bufs.h);
  const hp = heapFloat32(backend, bufs.hPrev);
  for (let b = 0; b < B; b++) {
    const zr = b * G;
    const gr = (t * B + b) * G;
    const cr = (t * B + b) * H;
    const cp = ((t - 1) * B + b) * H;
    const hr = (b * T + t) * H;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-(zv[zr + j] as number)));
      const f = 1 / (1 + Math.exp(-(zv[zr + H + j] as number)));
      const g = Math.tanh(zv[zr + 2 * H + j] as number);
      const o = 1 / (1 + Math.exp(-(zv[zr + 3 * H + j] as number)));
      const cNew = (t > 0 ? f * (cv[cp + j] as number) : 0) + i * g;
      const tc = Math.tanh(cNew);
      gv[gr + j] = i;
      gv[gr + H + j] = f;
      gv[gr + 2 * H + j] = g;
      gv[gr + 3 * H + j] = o;
      cv[cr + j] = cNew;
      tcv[cr + j] = tc;
      hv[hr + j] = o * tc;
      hp[b * H + j] = o * tc;
    }
  }
}

/** One of the backend's unary kernels (Sigmoid, Tanh) on a tensor in the heap; the caller owns the result. */
function unary(name: 'Sigmoid' | 'Tanh', x: TensorInfo, backend: WasmBackend): TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (k === undefined) throw new Error(`${LSTM_SEQUENCE_FORWARD}: the wasm backend has no ${name} kernel`);
  return k.kernelFunc({ inputs: { x }, backend: backend as never, attrs: {} }) as TensorInfo;
}

export const lstmSequenceForwardConfig: KernelConfig = {
  kernelName: LSTM_SEQUENCE_FORWARD,
  backendName: 'wasm',
  kernelFunc: lstmSequenceForwardWasm as unknown as KernelFunc,
};
