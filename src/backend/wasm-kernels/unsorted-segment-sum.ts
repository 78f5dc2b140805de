import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

/**
 * UnsortedSegmentSum for the WASM backend (absent from the package). It is the gradient of
 * `gather` (embedding lookups, index-based frame or joint selection inside a model), so without
 * it no model that gathers can train on WASM.
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] == s. `segmentIds` covers the leading
 * dimensions of x; ids outside [0, numSegments) are dropped, as on the CPU backend.
 */
export function unsortedSegmentSumWasm(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackend;
  attrs: { numSegments: number };
}): TensorInfo {
  const {
    inputs: { x, segmentIds },
    backend,
    attrs: { numSegments },
  } = args;
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm): x must be float32 or int32, got ${x.dtype}`);
  }
  const idRank = segmentIds.shape.length;
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum (wasm): segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  const inner = x.shape.slice(idRank).reduce((a, b) => a * b, 1);
  const outShape = [numSegments, ...x.shape.slice(idRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const ov = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  ov.fill(0);
  const xv = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) ov[dst + k] = (ov[dst + k] as number) + (xv[src + k] as number);
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
