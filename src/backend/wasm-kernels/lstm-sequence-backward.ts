import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';
import { matMul, matMulNN, transposeLastTwo } from './mat-mul.ts';

/**
 * Backpropagation through time for `MotionfuseLstmSequenceForward`, derived by hand:
 *   dh_t = dy_t + dh_{t+1} U^T-part,  do = dh tanh(c),  dc = dh o (1 - tanh^2 c) + dc_{t+1},
 *   di = dc g,  dg = dc i,  df = dc c_{t-1},  dc_t -> dc f;
 *   dz = [di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)]  (pre-activation gradients, [B, 4H]).
 * The per-step work is one [B, 4H] x [4H, H] product (for dh_{t-1}) and loops over memory; the
 * weight and input gradients are each one large product over all B*T rows at the end:
 *   dW = X^T dZ,  dU = Hprev^T dZ,  dx = dZ W^T,  db = column sums of dZ.
 * Outputs: dx [B, T, I], dW [I, 4H], dU [H, 4H], db [4H].
 */
export const LSTM_SEQUENCE_BACKWARD = 'MotionfuseLstmSequenceBackward';

export function lstmSequenceBackwardWasm(args: {
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
}): TensorInfo[] {
  const { inputs, backend } = args;
  for (const [name, t] of Object.entries(inputs)) checkFloat32(LSTM_SEQUENCE_BACKWARD, name, t);
  const { dy, x, kernel, recurrentKernel, h, c, tanhC, gates } = inputs;
  const [B, T, I] = x.shape as [number, number, number];
  const H = recurrentKernel.shape[0] as number;
  const G = 4 * H;

  // U^T [4H, H], so that dh_{t-1} = dz_t U^T is an untransposed product.
  const uT = transposeLastTwo(recurrentKernel, backend);
  const dZ = backend.makeOutput([1, B * T, G], 'float32'); // row b*T + t, like x's rows
  const dzStep = backend.makeOutput([1, B, G], 'float32');
  const dcNext = new Float32Array(B * H);
  let dhNext: TensorInfo | undefined;

  for (let t = T - 1; t >= 0; t--) {
    const dyv = heapFloat32(backend, dy);
    const cv = heapFloat32(backend, c);
    const tcv = heapFloat32(backend, tanhC);
    const gv = heapFloat32(backend, gates);
    const dzv = heapFloat32(backend, dZ);
    const ds = heapFloat32(backend, dzStep);
    const dhn = dhNext === undefined ? undefined : heapFloat32(backend, dhNext);
    for (let b = 0; b < B; b++) {
      const yr = (b * T + t) * H;
      const gr = (t * B + b) * G;
      const cr = (t * B + b) * H;
      const cp = ((t - 1) * B + b) * H;
      const zr = (b * T + t) * G;
      const sr = b * G;
      for (let j = 0; j < H; j++) {
        const dh = (dyv[yr + j] as number) + (dhn === undefined ? 0 : (dhn[b * H + j] as number));
        const i = gv[gr + j] as number;
        const f = gv[gr + H + j] as number;
        const g = gv[gr + 2 * H + j] as number;
        const o = gv[gr + 3 * H + j] as number;
        const tc = tcv[cr + j] as number;
        const cPrev = t > 0 ? (cv[cp + j] as number) : 0;
        const dOut = dh * tc;
        const dc = dh * o * (1 - tc * tc) + (dcNext[b * H + j] as number);
        dcNext[b * H + j] = dc * f;
        const dzi = dc * g * i * (1 - i);
        const dzf = dc * cPrev * f * (1 - f);
        const dzg = dc * i * (1 - g * g);
        const dzo = dOut * o * (1 - o);
        ds[sr + j] = dzi;
        ds[sr + H + j] = dzf;
        ds[sr + 2 * H + j] = dzg;
        ds[sr + 3 * H + j] = dzo;
        dzv[zr + j] = dzi;
        dzv[zr + H + j] = dzf;
        dzv[zr + 2 * H + j] = dzg;
        dzv[zr + 3 * H + j] = dzo;
      }
    }
    if (dhNext !== undefined) backend.disposeData(dhNext.dataId);
    dhNext = t > 0 ? matMulNN(dzStep, uT, backend) : undefined;
  }
  backend.disposeData(dzStep.dataId);
  backend.disposeData(uT.dataId);

  // Hprev: row b*T + t holds h[b, t-1] (zeros at t = 0).
  const hPrev = backend.makeOutput([1, B * T, H], 'float32');
  {
    const hv = heapFloat32(backend, h);
    const hp = heapFloat32(backend, hPrev);
    for (let b = 0; b < B; b++) {
      hp.fill(0, b * T * H, (b * T + 1) * H);
      hp.set(hv.subarray(b * T * H, (b * T + T - 1) * H), (b * T + 1) * H);
    }
  }
  const dW = matMul({ dataId: x.dataId, shape: [1, B * T, I], dtype: 'float32' }, dZ, backend, true, false);
  const dU = matMul(hPrev, dZ, backend, true, false);
  const dx = matMul(dZ, kernel, backend, false, true);
  backend.disposeData(hPrev.dataId);

  const db = backend.makeOutput([G], 'float32');
  {
    const dzv = heapFloat32(backend, dZ);
    const dbv = heapFloat32(backend, db);
    dbv.fill(0);
    for (let r = 0; r < B * T; r++) {
      const base = r * G;
      for (let k = 0; k < G; k++) dbv[k] = (dbv[k] as number) + (dzv[base + k] as number);
    }
  }
  backend.disposeData(dZ.dataId);
  return [{ ...dx, shape: [B, T, I] }, { ...dW, shape: [I, G] }, { ...dU, shape: [H, G] }, db];
}

export const lstmSequenceBackwardConfig: KernelConfig = {
  kernelName: LSTM_SEQUENCE_BACKWARD,
  backendName: 'wasm',
  kernelFunc: lstmSequenceBackwardWasm as unknown as KernelFunc,
};
