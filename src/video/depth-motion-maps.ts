import type { DecodedFrames } from '../core/stream.ts';
import { areaWeights, type AreaSpan } from './resize-frames.ts';

/**
 * Depth motion maps (Chen, Jafari, Kehtarnavaz, "Real-time human action recognition based on
 * depth motion maps", J. Real-Time Image Processing 2016; after Yang, Zhang, Tian 2012): each
 * depth frame is projected onto three orthogonal planes and the absolute changes of each
 * projection between consecutive frames are summed over the whole take,
 * DMM_v = sum_t |map_v^(t+1) - map_v^t| for v in front, side, top.
 *
 * Frames are 8-bit grey depth (0 = no reading, 255 the far limit or beyond: both dropped; see the
 * UTD-MHAD adapter's `depthScale`). The side and top maps' depth axis bins `bin` grey levels
 * together: 3 by default (UTD-MHAD: 47 mm), because the Kinect v1 measures depth in steps that
 * grow with distance (about 21 mm at 2.7 m, 35 mm at 3.5 m, 45 mm at 4 m), so single grey levels
 * (15.7 mm) leave every third or fourth bin empty and stripe those maps; 3 levels leave none
 * empty up to 4 m. So the side and top maps are H x 86 and 86 x W before cropping.
 * As in the paper, for a reading at (x, y) of depth z the front map holds z at (y, x), the side
 * map x + 1 at (y, z) and the top map y + 1 at (z, x), counting from 1 so that 0 stays "nothing
 * there"; where several readings fall on one cell, the right-most (side) or lowest (top) one is
 * kept, as the authors' code's scan order keeps it.
 */

/** A single-channel float map, row-major. */
export interface DepthMap {
  data: Float32Array;
  height: number;
  width: number;
}

/** The three summed motion maps of a take, uncropped: front H x W, side H x B, top B x W for B depth bins. */
export interface RawDepthMotionMaps {
  front: DepthMap;
  side: DepthMap;
  top: DepthMap;
}

/** Which readings count and how the depth axis is binned. */
export interface DepthMotionOptions {
  /** Grey levels kept as readings, near..far inclusive (0 is no reading, 255 the far limit or beyond: UTD-MHAD 4 m). */
  near: number;
  far: number;
  /** Grey levels per bin of the side and top maps' depth axis. */
  bin: number;
}

export const DEPTH_MOTION_DEFAULTS: DepthMotionOptions = { near: 1, far: 254, bin: 3 };

/** The summed absolute changes of the front, side and top projections over every frame of `video`. */
export function accumulateDepthMotion(
  video: DecodedFrames,
  options: Partial<DepthMotionOptions> = {},
): RawDepthMotionMaps {
  const { near, far, bin } = { ...DEPTH_MOTION_DEFAULTS, ...options };
  const { frames, height, width, channels } = video;
  if (channels !== 1) throw new Error(`accumulateDepthMotion(): video has ${channels} channels, depth frames have 1`);
  if (!(near >= 1 && near <= far && far <= 255))
    throw new Error(`accumulateDepthMotion(): near and far must have 1 <= near <= far <= 255, got ${near} and ${far}`);
  if (!Number.isInteger(bin) || bin < 1)
    throw new Error(`accumulateDepthMotion(): bin must be a positive integer, got ${bin}`);
  const plane = height * width;
  const bins = Math.ceil(256 / bin);
  // Grey level -> depth bin, -1 for what is not a reading.
  const binOf = Int32Array.from({ length: 256 }, (_, g) => (g >= near && g <= far ? Math.floor(g / bin) : -1));
  // Sums in float (they grow with the take); each frame's projections in integers (faster to difference).
  const sum = {
    front: new Float32Array(plane),
    side: new Float32Array(height * bins),
    top: new Float32Array(bins * width),
  };
  const blank = () => [new Int32Array(plane), new Int32Array(height * bins), new Int32Array(bins * width)] as const;
  let [front, side, top] = blank();
  let [lastFront, lastSide, lastTop] = blank();
  for (let k = 0; k < frames.length / plane; k++) {
    front.fill(0);
    side.fill(0);
    top.fill(0);
    const base = k * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const g = frames[base + y * width + x] as number;
        const z = binOf[g] as number;
        if (z < 0) continue;
        front[y * width + x] = g;
        side[y * bins + z] = x + 1;
        top[z * width + x] = y + 1;
      }
    }
    if (k > 0) {
      addAbsoluteDifference(sum.front, front, lastFront);
      addAbsoluteDifference(sum.side, side, lastSide);
      addAbsoluteDifference(sum.top, top, lastTop);
    }
    [front, lastFront] = [lastFront, front];
    [side, lastSide] = [lastSide, side];
    [top, lastTop] = [lastTop, top];
  }
  return {
    front: { data: sum.front, height, width },
    side: { data: sum.side, height, width: bins },
    top: { data: sum.top, height: bins, width },
  };
}

/** sum += |a - b|, element-wise. */
function addAbsoluteDifference(sum: Float32Array, a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + Math.abs((a[i] as number) - (b[i] as number));
}

/** The map cropped to the bounding box of its non-zero values; 0 x 0 when it has none. */
export function cropToContent(map: DepthMap): DepthMap {
  const { data, height, width } = map;
  let [y0, x0, y1, x1] = [height, width, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] === 0) continue;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  }
  if (y1 < 0) return { data: new Float32Array(0), height: 0, width: 0 };
  const [h, w] = [y1 - y0 + 1, x1 - x0 + 1];
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) out.set(data.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + w), y * w);
  return { data: out, height: h, width: w };
}

/**
 * The map at size x size by area averaging (each output cell the mean of the source area it
 * covers; an upscaled axis repeats source cells), divided by its maximum so it spans 0..1; all
 * zeros for an empty map.
 */
export function resizeMap(map: DepthMap, size: number): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new Error(`resizeMap(): size must be a positive integer, got ${size}`);
  const out = new Float32Array(size * size);
  if (map.height === 0 || map.width === 0) return out;
  const xs = areaWeights(0, map.width, size, map.width);
  const ys = areaWeights(0, map.height, size, map.height);
  let max = 0;
  for (let oy = 0; oy < size; oy++) {
    const ySpan = ys[oy] as AreaSpan;
    for (let ox = 0; ox < size; ox++) {
      const xSpan = xs[ox] as AreaSpan;
      let v = 0;
      for (let a = 0; a < ySpan.index.length; a++) {
        const row = (ySpan.index[a] as number) * map.width;
        let line = 0;
        for (let b = 0; b < xSpan.index.length; b++)
          line += (xSpan.weights[b] as number) * (map.data[row + (xSpan.index[b] as number)] as number);
        v += (ySpan.weights[a] as number) * line;
      }
      out[oy * size + ox] = v;
      if (v > max) max = v;
    }
  }
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / max;
  return out;
}

/**
 * The depth motion maps of `video` as one [size, size, 3] image: front, side and top in the
 * three channels, each cropped to where it is non-zero, resized, and scaled by its own maximum
 * to 0..1, so that a longer or faster take does not make larger inputs.
 */
export function depthMotionMaps(
  video: DecodedFrames,
  size: number,
  options: Partial<DepthMotionOptions> = {},
): Float32Array {
  const raw = accumulateDepthMotion(video, options);
  const maps = [raw.front, raw.side, raw.top].map((m) => resizeMap(cropToContent(m), size));
  const out = new Float32Array(size * size * 3);
  for (let i = 0; i < size * size; i++)
    for (let c = 0; c < 3; c++) out[i * 3 + c] = (maps[c] as Float32Array)[i] as number;
  return out;
}
