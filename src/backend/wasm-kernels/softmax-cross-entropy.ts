import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * The mean softmax cross-entropy of logits [B, C] against labels [B, C] in one kernel each way,
 * where tf.losses.softmaxCrossEntropy takes ~15 (log-sum-exp, products, sums, the mean, and their
 * taped gradients). A loss is per batch, not per value, so a few hundred floats: plain JavaScript
 * over the heap, in float64, rounded once.
 *   forward: loss = -(1/B) sum_b sum_c labels[b,c] logp[b,c], logp = logits - logsumexp_c(logits)
 *   gradient (dy the loss's): dlogits = dy/B (exp(logp) - labels), and for the labels tfjs's own
 *   choice, -dlogits (tf.losses' gradient for the labels is not the derivative either; kept equal)
 */
export const SOFTMAX_CROSS_ENTROPY = 'MotionfuseSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'MotionfuseSoftmaxCrossEntropyGrad';

function rowsAndClasses(kernel: string, a: TensorInfo, b: TensorInfo): [number, number] {
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1])
    throw new Error(`${kernel}: labels [${a.shape}] and logits [${b.shape}] must both be [batch, classes]`);
  return [a.shape[0] as number, a.shape[1] as number];
}

const forward = (args: { inputs: { labels: TensorInfo; logits: TensorInfo }; backend: WasmBackend }) => {
  const { inputs, backend } = args;
  checkFloat32(SOFTMAX_CROSS_ENTROPY, 'labels', inputs.labels);
  checkFloat32(SOFTMAX_CROSS_ENTROPY, 'logits', inputs.logits);
  const [B, C] = rowsAndClasses(SOFTMAX_CROSS_ENTROPY, inputs.labels, inputs.logits);
  const loss = backend.makeOutput([], 'float32');
  const logProbs = backend.makeOutput([B, C], 'float32');
  const [labels, logits, logp] = [inputs.labels, inputs.logits, logProbs].map((t) => heapFloat32(backend, t)) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  let total = 0;
  for (let b = 0; b < B; b++) {
    const row = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[row + c] as number);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((logits[row + c] as number) - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < C; c++) {
      const lp = (logits[row + c] as number) - lse;
      logp[row + c] = lp;
      total -= (labels[row + c] as number) * lp;
    }
  }
  heapFloat32(backend, loss)[0] = B === 0 ? Number.NaN : total / B;
  return [loss, logProbs];
};

const gradient = (args: {
  inputs: { dy: TensorInfo; logProbs: TensorInfo; labels: TensorInfo };
  backend: WasmBackend;
}) => {
  const { inputs, backend } = args;
  const [B, C] = rowsAndClasses(SOFTMAX_CROSS_ENTROPY_GRAD, inputs.labels, inputs.logProbs);
  const dlabels = backend.makeOutput([B, C], 'float32');
  const dlogits = backend.makeOutput([B, C], 'float32');
  const [dy, logp, labels, dl, dz] = [inputs.dy, inputs.logProbs, inputs.labels, dlabels, dlogits].map((t) =>
    heapFloat32(backend, t),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const scale = (dy[0] as number) / B;
  for (let i = 0; i < B * C; i++) {
    const lp = logp[i] as number;
    dz[i] = scale * (Math.exp(lp) - (labels[i] as number));
    dl[i] = -dz[i]!;
  }
  return [dlabels, dlogits];
};

export const softmaxCrossEntropyConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  backendName: 'wasm',
  kernelFunc: forward as unknown as KernelFunc,
};

export const softmaxCrossEntropyGradConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY_GRAD,
  backendName: 'wasm',
  kernelFunc: gradient as unknown as KernelFunc,
};
