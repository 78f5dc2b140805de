import type { DecodedFrames } from '../core/stream.ts';

/** A rectangle of the frame in pixels; it may reach outside the frame (edge pixels repeat there). */
export interface FrameRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Frames (or the `crop` of each) resized to size x size by area averaging: each output pixel is
 * the mean of the source area it covers (fractional edges weighted), which is what a camera at
 * lower resolution would have seen and does not alias the sensor noise as point sampling would.
 * Selected `indices` only.
 */
export function resizeFrames(
  video: DecodedFrames,
  indices: readonly number[],
  size: number,
  crop?: FrameRect,
): Uint8Array {
  const { width, height, channels } = video;
  const rect = crop ?? { x: 0, y: 0, width, height };
  const out = new Uint8Array(indices.length * size * size * channels);
  const xs = areaWeights(rect.x, rect.width, size, width);
  const ys = areaWeights(rect.y, rect.height, size, height);
  const row = new Float32Array(size * channels);
  const frameBytes = width * height * channels;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * frameBytes;
    for (let oy = 0; oy < size; oy++) {
      row.fill(0);
      const ySpan = ys[oy] as AreaSpan;
      for (let a = 0; a < ySpan.weights.length; a++) {
        const wy = ySpan.weights[a] as number;
        const line = base + (ySpan.index[a] as number) * width * channels;
        for (let ox = 0; ox < size; ox++) {
          const xSpan = xs[ox] as AreaSpan;
          for (let b = 0; b < xSpan.weights.length; b++) {
            const w = wy * (xSpan.weights[b] as number);
            const p = line + (xSpan.index[b] as number) * channels;
            for (let c = 0; c < channels; c++)
              row[ox * channels + c] = (row[ox * channels + c] as number) + w * (video.frames[p + c] as number);
          }
        }
      }
      const o = (k * size + oy) * size * channels;
      for (let i = 0; i < size * channels; i++) out[o + i] = Math.round(row[i] as number);
    }
  }
  return out;
}

export interface AreaSpan {
  /** Source indices (clamped into the frame) and their weights, summing to 1. */
  index: Int32Array;
  weights: Float32Array;
}

/** For each of `to` output cells over [start, start + length) of a source of `limit` cells: what it covers. */
export function areaWeights(start: number, length: number, to: number, limit: number): AreaSpan[] {
  const scale = length / to;
  return Array.from({ length: to }, (_, o) => {
    const a = start + o * scale;
    const b = a + scale;
    const first = Math.floor(a);
    const last = Math.ceil(b) - 1;
    const index = new Int32Array(last - first + 1);
    const weights = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) {
      index[s - first] = Math.max(0, Math.min(limit - 1, s));
      weights[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    }
    return { index, weights };
  });
}
