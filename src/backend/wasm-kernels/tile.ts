import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

/**
 * Tile for the WASM backend, replacing the package's, which computes each output element's
 * coordinates (about 50 ns an element here). tfjs's BatchNorm gradient tiles a per-channel vector
 * to the full activation shape, so this cost 20 ms per BatchNorm layer per training step.
 * Here x is written once into the output, then each axis, innermost first, is replicated with
 * block copies (`copyWithin`), so the work is memory traffic.
 */
export function tileWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: { reps: number[] };
}): TensorInfo {
  const {
    inputs: { x },
    backend,
    attrs: { reps },
  } = args;
  const inShape = x.shape;
  const r = inShape.length;
  if (reps.length !== r) throw new Error(`Tile (wasm): reps [${reps}] must have one entry per axis of x [${inShape}]`);
  const outShape = inShape.map((d, i) => d * (reps[i] as number));
  const out = backend.makeOutput(outShape, x.dtype);
  const size = outShape.reduce((a, b) => a * b, 1);
  if (size === 0) return out;
  if (r === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(x) as Float32Array);
    return out;
  }
  const ov = backend.typedArrayFromHeap(out) as Float32Array | Int32Array | Uint8Array;
  const xv = backend.typedArrayFromHeap(x) as Float32Array | Int32Array | Uint8Array;

  const outStride = new Array<number>(r);
  outStride[r - 1] = 1;
  for (let a = r - 2; a >= 0; a--) outStride[a] = (outStride[a + 1] as number) * (outShape[a + 1] as number);

  // 1. x into the corner of the output where every tile index is 0, one innermost row at a time.
  const rowLen = inShape[r - 1] as number;
  const rows = xv.length / Math.max(1, rowLen);
  const idx = new Array<number>(r).fill(0);
  for (let row = 0; row < rows; row++) {
    let off = 0;
    for (let a = 0; a < r - 1; a++) off += (idx[a] as number) * (outStride[a] as number);
    ov.set(xv.subarray(row * rowLen, (row + 1) * rowLen) as never, off);
    for (let a = r - 2; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      if ((idx[a] as number) < (inShape[a] as number)) break;
      idx[a] = 0;
    }
  }
  // 2. Replicate along each axis, innermost first, for every outer position inside the corner.
  for (let a = r - 1; a >= 0; a--) {
    const rep = reps[a] as number;
    if (rep === 1) continue;
    const block = (inShape[a] as number) * (outStride[a] as number);
    forEachOuter(inShape, outStride, a, (base) => {
      for (let k = 1; k < rep; k++) ov.copyWithin(base + k * block, base, base + block);
    });
  }
  return out;
}

/** Calls fn with the output offset of every index over axes < a, each in [0, inShape[k]). */
function forEachOuter(inShape: number[], outStride: number[], a: number, fn: (base: number) => void): void {
  const idx = new Array<number>(a).fill(0);
  const count = inShape.slice(0, a).reduce((p, q) => p * q, 1);
  for (let n = 0; n < count; n++) {
    let base = 0;
    for (let k = 0; k < a; k++) base += (idx[k] as number) * (outStride[k] as number);
    fn(base);
    for (let k = a - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (inShape[k] as number)) break;
      idx[k] = 0;
    }
  }
}

export function tileConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelName: 'Tile', backendName: 'wasm', kernelFunc: tileWasm as unknown as KernelFunc };
}
