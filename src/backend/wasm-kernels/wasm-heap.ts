import type { DataType, TensorInfo } from '@tensorflow/tfjs';

/**
 * The part of `@tensorflow/tfjs-backend-wasm`'s `BackendWasm` that our kernels use. The class is
 * not exported from the package's entry point, so we name its shape here.
 */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * A float32 view of a tensor in the WASM heap. Views are invalidated when the heap grows (any
 * allocation may grow it), so take views after allocating, and again after any further allocation.
 */
export function heapFloat32(backend: WasmBackend, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new Error(`wasm kernel: expected a float32 tensor, got ${info.dtype}`);
  }
  return view;
}

/** An int32 view of a tensor in the WASM heap (the same caveat as heapFloat32). */
export function heapInt32(backend: WasmBackend, info: TensorInfo): Int32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Int32Array)) {
    throw new Error(`wasm kernel: expected an int32 tensor, got ${info.dtype}`);
  }
  return view;
}

/** A new float32 tensor in the WASM heap, filled with zeros (the heap's malloc does not clear). */
export function zerosFloat32(backend: WasmBackend, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  heapFloat32(backend, out).fill(0);
  return out;
}

export function checkFloat32(kernel: string, name: string, info: TensorInfo): void {
  if (info.dtype !== 'float32') {
    throw new Error(`${kernel} (wasm): ${name} must be float32, got ${info.dtype}`);
  }
}
