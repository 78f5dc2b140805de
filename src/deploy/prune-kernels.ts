import * as tf from '@tensorflow/tfjs';

/** Which weights pruning takes: the kernels (dense, conv, LSTM input and recurrent), not biases or BatchNorm statistics. */
export function isPrunable(name: string): boolean {
  return /(^|\/)(kernel|recurrent_kernel|depthwise_kernel)(_\d+)?$/.test(name);
}

/**
 * The keep-mask of magnitude pruning: the round(sparsity x n) weights of smallest magnitude are
 * 0, the rest 1 (ties go by position, so the mask is deterministic).
 */
export function magnitudeMask(values: Float32Array, sparsity: number): Uint8Array {
  if (!(sparsity >= 0 && sparsity < 1)) throw new Error(`magnitudeMask(): sparsity must be in [0, 1), got ${sparsity}`);
  const order = Array.from(values.keys()).sort(
    (a, b) => Math.abs(values[a] as number) - Math.abs(values[b] as number) || a - b,
  );
  const mask = new Uint8Array(values.length).fill(1);
  const cut = Math.round(sparsity * values.length);
  for (let i = 0; i < cut; i++) mask[order[i] as number] = 0;
  return mask;
}

/** The masks of a pruned model, held by `applyMasks` while it is fine-tuned. The owner disposes them. */
export interface PruneMasks {
  masks: { variable: tf.LayerVariable; mask: tf.Tensor }[];
  dispose(): void;
}

/** Magnitude-prunes every kernel of `model` to `sparsity`, each tensor on its own (layer-wise), in place. */
export function pruneModel(model: tf.LayersModel, sparsity: number): PruneMasks {
  const masks: PruneMasks['masks'] = [];
  for (const variable of model.weights) {
    if (!isPrunable(variable.originalName) || variable.dtype !== 'float32') continue;
    const values = variable.read().dataSync() as Float32Array;
    const keep = magnitudeMask(values, sparsity);
    const mask = tf.keep(tf.tensor(Float32Array.from(keep), variable.shape as number[]));
    masks.push({ variable, mask });
  }
  applyMasks(masks);
  return { masks, dispose: () => tf.dispose(masks.map((m) => m.mask)) };
}

/** Sets the pruned weights back to 0 (after each fine-tuning step). */
export function applyMasks(masks: PruneMasks['masks']): void {
  for (const { variable, mask } of masks)
    tf.tidy(() => {
      variable.write(tf.mul(variable.read(), mask));
    });
}

/** Zeros over values of the prunable weights: what the pruned model holds. */
export function kernelSparsity(weights: readonly { name: string; values: Float32Array }[]): number {
  let zeros = 0;
  let total = 0;
  for (const w of weights) {
    if (!isPrunable(w.name)) continue;
    total += w.values.length;
    for (const v of w.values) if (v === 0) zeros++;
  }
  return total === 0 ? 0 : zeros / total;
}
