import type * as tf from '@tensorflow/tfjs';
import { affineQuantize, quantizationError } from './affine-uint8.ts';
import { float16Bits } from './float16-bits.ts';

export const QUANTIZATIONS = ['float16', 'int8'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** One weight as a model saves it: its manifest entry and its float32 values. */
export interface NamedWeight {
  spec: tf.io.WeightsManifestEntry;
  values: Float32Array;
}

/** How one weight was stored, for the deploy report. */
export interface StoredWeight {
  name: string;
  dtype: 'float32' | 'float16' | 'uint8' | 'uint16';
  /** Relative RMS error of the stored values (0 for float32), and what one scale per output channel would give. */
  error: number;
  perChannelError?: number;
}

/**
 * Past this relative RMS error of one scale for the whole tensor, a kernel is stored as uint16
 * instead of uint8: TensorFlow.js's format has one (scale, min) per tensor, so where channels'
 * ranges differ enough for that to matter, more levels stand in for per-channel scales.
 */
export const UINT8_ERROR_LIMIT = 0.05;

/**
 * Weights in TensorFlow.js's quantised weight format. float16: every float32 weight as half
 * floats. int8: kernels (rank >= 2) as affine uint8 (uint16 past UINT8_ERROR_LIMIT), the small
 * vectors (biases, BatchNorm statistics, whose per-tensor affine codes would wreck small variances)
 * as float16. tf.loadLayersModel dequantises them on load.
 */
export function quantizeWeights(
  weights: readonly NamedWeight[],
  quantization: Quantization | 'float32',
): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array; stored: StoredWeight[] } {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const stored: StoredWeight[] = [];
  for (const { spec, values } of weights) {
    const base = { name: spec.name, shape: spec.shape, dtype: spec.dtype };
    if (spec.dtype !== 'float32' || quantization === 'float32') {
      specs.push(base);
      parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      stored.push({ name: spec.name, dtype: 'float32', error: 0 });
      continue;
    }
    const channels = spec.shape[spec.shape.length - 1] ?? 1;
    if (quantization === 'float16' || spec.shape.length < 2) {
      const bits = float16Bits(values);
      specs.push({ ...base, quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(bits.buffer));
      stored.push({ name: spec.name, dtype: 'float16', error: relativeError(values, halfBack(bits)) });
      continue;
    }
    const measured = quantizationError(values, channels, 'uint8');
    const dtype = measured.perTensor > UINT8_ERROR_LIMIT ? 'uint16' : 'uint8';
    const q = affineQuantize(values, dtype);
    specs.push({ ...base, quantization: { dtype, scale: q.scale, min: q.min } });
    parts.push(new Uint8Array(q.codes.buffer));
    stored.push({
      name: spec.name,
      dtype,
      error: dtype === 'uint8' ? measured.perTensor : quantizationError(values, channels, 'uint16').perTensor,
      perChannelError: measured.perChannel,
    });
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { specs, data, stored };
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (a[i] as number) ** 2;
  }
  return den === 0 ? 0 : Math.sqrt(num / den);
}

/** Half bits back to float32 (for the error figure only; tfjs decodes them on load). */
function halfBack(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    out[i] =
      e === 0
        ? sign * m * 2 ** -24
        : e === 0x1f
          ? m === 0
            ? sign * Infinity
            : NaN
          : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}
