import type { DataType, KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

/**
 * An uninitialised tensor of the given shape and dtype, for a fused training kernel to fill as
 * an input (what its gradient needs besides its outputs: a max pool's winners, a map before its
 * BatchNorm). Inputs are saved for the gradient like the kernel's outputs, but an output that the
 * loss does not read would get a zero-filled gradient tensor of its size from tfjs's tape on every
 * backward pass (tfjs-core's addTapeNode fills a null dy with zeros). Made just before the kernel
 * that fills it, read by nothing else.
 */
export const WORKSPACE = 'MotionfuseWorkspace';

export interface WorkspaceAttrs {
  shape: number[];
  dtype: 'float32' | 'int32';
}

export const workspaceConfig: KernelConfig = {
  kernelName: WORKSPACE,
  backendName: 'wasm',
  kernelFunc: ((args: { backend: unknown; attrs: WorkspaceAttrs }) =>
    (args.backend as WasmBackend).makeOutput(args.attrs.shape, args.attrs.dtype as DataType)) as unknown as KernelFunc,
};
