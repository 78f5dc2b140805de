/**
 * TensorFlow.js's affine weight quantisation of one tensor (weightsManifest `quantization:
 * { dtype: 'uint8' | 'uint16', scale, min }`, decoded on load by tfjs-core io_utils as
 * `value = q * scale + min`). The range is widened to hold 0 and `min` moved onto the grid so
 * that 0 is exactly a code, as tfjs-converter does: pruned weights load back as exact zeros.
 */
export interface AffineQuantized {
  codes: Uint8Array | Uint16Array;
  scale: number;
  min: number;
}

export function affineQuantize(values: Float32Array, dtype: 'uint8' | 'uint16' = 'uint8'): AffineQuantized {
  const levels = dtype === 'uint8' ? 255 : 65535;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new Error(`affineQuantize(): values hold ${v}; only finite weights quantise`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const codes = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  if (hi === lo) return { codes, scale: 1, min: 0 };
  const scale = (hi - lo) / levels;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  for (let i = 0; i < values.length; i++)
    codes[i] = Math.min(levels, Math.max(0, Math.round(((values[i] as number) - min) / scale)));
  return { codes, scale, min };
}

/** What tf.loadLayersModel makes of the codes (float32, as it stores them). */
export function affineDequantize(q: AffineQuantized): Float32Array {
  const out = new Float32Array(q.codes.length);
  for (let i = 0; i < q.codes.length; i++) out[i] = (q.codes[i] as number) * q.scale + q.min;
  return out;
}

/**
 * The RMS error of per-tensor quantisation against what one scale per output channel (the last
 * axis) would give, both relative to the tensor's RMS: how much per-channel would matter.
 */
export function quantizationError(
  values: Float32Array,
  channels: number,
  dtype: 'uint8' | 'uint16' = 'uint8',
): { perTensor: number; perChannel: number } {
  const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / Math.max(1, values.length)) || 1;
  const err = (a: Float32Array, b: Float32Array) =>
    Math.sqrt(a.reduce((s, v, i) => s + (v - (b[i] as number)) ** 2, 0) / Math.max(1, a.length)) / rms;
  const whole = affineDequantize(affineQuantize(values, dtype));
  const byChannel = new Float32Array(values.length);
  const rows = values.length / channels;
  for (let c = 0; c < channels; c++) {
    const column = new Float32Array(rows);
    for (let r = 0; r < rows; r++) column[r] = values[r * channels + c] as number;
    const back = affineDequantize(affineQuantize(column, dtype));
    for (let r = 0; r < rows; r++) byChannel[r * channels + c] = back[r] as number;
  }
  return { perTensor: err(values, whole), perChannel: err(values, byChannel) };
}
