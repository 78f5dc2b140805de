import type { DecodedFrames } from '../core/stream.ts';

/**
 * Frames resized to size x size by area averaging: each output pixel is the mean of the source
 * area it covers (fractional edges weighted), which is what a camera at lower resolution would
 * have seen and does not alias the sensor noise as point sampling would. Selected `indices` only.
 */
export function resizeFrames(video: DecodedFrames, indices: readonly number[], size: number): Uint8Array {
  const { width, height, channels } = video;
  const out = new Uint8Array(indices.length * size * size * channels);
  const xs = areaWeights(width, size);
  const ys = areaWeights(height, size);
  const row = new Float32Array(size * channels);
  const frameBytes = width * height * channels;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * frameBytes;
    for (let oy = 0; oy < size; oy++) {
      row.fill(0);
      const ySpan = ys[oy] as AreaSpan;
      for (let sy = ySpan.first; sy < ySpan.first + ySpan.weights.length; sy++) {
        const wy = ySpan.weights[sy - ySpan.first] as number;
        const line = base + sy * width * channels;
        for (let ox = 0; ox < size; ox++) {
          const xSpan = xs[ox] as AreaSpan;
          for (let sx = xSpan.first; sx < xSpan.first + xSpan.weights.length; sx++) {
            const w = wy * (xSpan.weights[sx - xSpan.first] as number);
            const p = line + sx * channels;
            for (let c = 0; c < channels; c++) row[ox * channels + c] = (row[ox * channels + c] as number) + w * (video.frames[p + c] as number);
          }
        }
      }
      const o = ((k * size + oy) * size) * channels;
      for (let i = 0; i < size * channels; i++) out[o + i] = Math.round(row[i] as number);
    }
  }
  return out;
}

interface AreaSpan {
  first: number;
  weights: Float32Array;
}

/** For each of `to` output cells, the source cells it covers and their weights (summing to 1). */
function areaWeights(from: number, to: number): AreaSpan[] {
  const scale = from / to;
  return Array.from({ length: to }, (_, o) => {
    const a = o * scale;
    const b = a + scale;
    const first = Math.floor(a);
    const last = Math.min(from - 1, Math.ceil(b) - 1);
    const weights = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) weights[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    return { first, weights };
  });
}
