import type { ModalityArray } from '../inputs/input-spec.ts';

/**
 * Per-channel standardisation (z-scores) of a modality whose last axis is the channel. Its
 * statistics come from the training rows only, so nothing of the test fold leaks into training.
 */
export interface Standardiser {
  mean: Float32Array;
  std: Float32Array;
}

export function fitStandardiser(m: ModalityArray<Float32Array>, rows: readonly number[]): Standardiser {
  const channels = m.shape[m.shape.length - 1] as number;
  const perRow = m.shape.reduce((a, b) => a * b, 1);
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  let count = 0;
  for (const r of rows) {
    for (let i = r * perRow; i < (r + 1) * perRow; i += channels) {
      for (let c = 0; c < channels; c++) {
        const v = m.data[i + c] as number;
        sum[c] = (sum[c] as number) + v;
        sumSq[c] = (sumSq[c] as number) + v * v;
      }
      count++;
    }
  }
  if (count === 0) throw new Error('fitStandardiser(): no training rows');
  const mean = new Float32Array(channels);
  const std = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const mu = (sum[c] as number) / count;
    mean[c] = mu;
    // A constant channel keeps unit scale rather than dividing by zero.
    std[c] = Math.sqrt(Math.max(0, (sumSq[c] as number) / count - mu * mu)) || 1;
  }
  return { mean, std };
}

/** (x - mean) / std over `values` (whole rows of the modality), in place. */
export function standardiseInPlace(values: Float32Array, s: Standardiser): void {
  const channels = s.mean.length;
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    values[i] = ((values[i] as number) - (s.mean[c] as number)) / (s.std[c] as number);
  }
}
