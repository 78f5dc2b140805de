import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import type { DecodedFrames, PoseStream } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';
import { sampleFrameSize } from './sample-frame-size.ts';

/**
 * One affine transform of the image plane, applied alike to every video frame and to the pose
 * keypoints, so keypoints stay on the body. Pixel coordinates: x right, y down, pixel centres at
 * whole numbers; the transform turns and zooms about the frame centre ((W-1)/2, (H-1)/2), then
 * shifts: p' = centre + scale R (p - centre) + translate. Frames are resampled bilinearly.
 * IMUs are left alone: a camera that turned or zoomed does not move the athlete's sensors.
 */
export interface AffineTransform {
  /** Degrees, positive turns the picture counter-clockwise as seen on screen. */
  rotationDeg: number;
  /** [dx, dy] pixels, +dx right, +dy down. */
  translate: readonly [number, number];
  /** Zoom factor, > 1 enlarges. */
  scale: number;
}

/** What shows where the picture moved away: 'edge' repeats the border pixels, a number is a grey level (0-255) in every channel. */
export type FrameFill = 'edge' | number;

/** The ranges a random transform is drawn from, each uniformly. */
export interface AffineRanges {
  /** Largest |rotation|, degrees. */
  rotationDeg: number;
  /** Largest |dx| and |dy|, pixels. */
  translate: readonly [number, number];
  /** [low, high] zoom. */
  scale: readonly [number, number];
  fill: FrameFill;
}

/** A random transform drawn from `ranges`, applied to the sample's frames and pose. */
export function affineFrames(sample: Sample, ranges: AffineRanges, rng: SeededRandom): Sample {
  const { rotationDeg, translate, scale } = ranges;
  if (!(rotationDeg >= 0 && rotationDeg <= 180))
    throw new Error(`affineFrames(): rotationDeg must be within 0-180 degrees, got ${rotationDeg}`);
  if (!(translate[0] >= 0 && translate[1] >= 0))
    throw new Error(`affineFrames(): translate must be [dx, dy] >= 0 pixels, got [${translate.join(', ')}]`);
  if (!(scale[0] > 0 && scale[1] >= scale[0]))
    throw new Error(`affineFrames(): scale must be [low, high] with 0 < low <= high, got [${scale.join(', ')}]`);
  const transform: AffineTransform = {
    rotationDeg: rng.uniform(-rotationDeg, rotationDeg),
    translate: [rng.uniform(-translate[0], translate[0]), rng.uniform(-translate[1], translate[1])],
    scale: rng.uniform(scale[0], scale[1]),
  };
  return applyAffine(sample, transform, ranges.fill);
}

/** The given transform applied to the sample's frames and pose (deterministic twin of affineFrames). */
export function applyAffine(sample: Sample, transform: AffineTransform, fill: FrameFill = 'edge'): Sample {
  const { rotationDeg, translate, scale } = transform;
  if (![rotationDeg, translate[0], translate[1]].every(Number.isFinite) || !(scale > 0 && Number.isFinite(scale))) {
    throw new Error(
      `applyAffine(): need a finite rotationDeg and translate and a scale > 0, got ${JSON.stringify(transform)}`,
    );
  }
  if (fill !== 'edge' && !(fill >= 0 && fill <= 255))
    throw new Error(`applyAffine(): fill must be 'edge' or a grey level 0-255, got ${fill}`);
  const size = sampleFrameSize(sample, 'applyAffine');
  if (size === undefined) return mapStreams(sample, {}); // no video and no pose: nothing in the image plane
  const plane = planeMap(transform, size);
  // sampleFrameSize has checked that every video is decoded.
  return mapStreams(sample, {
    video: (stream) => ({ ...stream, decoded: warpFrames(stream.decoded as DecodedFrames, plane, fill) }),
    pose: (stream) => movePose(stream, plane),
  });
}

/** p' = centre + scale R (p - centre) + translate, with cos, sin of the on-screen counter-clockwise angle. */
interface PlaneMap {
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  scale: number;
  dx: number;
  dy: number;
}

function planeMap(t: AffineTransform, size: { width: number; height: number }): PlaneMap {
  const angle = (t.rotationDeg * Math.PI) / 180;
  return {
    cx: (size.width - 1) / 2,
    cy: (size.height - 1) / 2,
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    scale: t.scale,
    dx: t.translate[0],
    dy: t.translate[1],
  };
}

/**
 * Each output pixel reads the input at the inverse map, bilinearly. The map is the same for every
 * frame, so its four taps and weights are worked out once per pixel (a remap table), then each
 * frame is one pass of four multiply-adds per value. Taps outside the frame read the nearest
 * border pixel ('edge'), or add their weight times `fill` to a per-pixel constant.
 */
function warpFrames(video: DecodedFrames, m: PlaneMap, fill: FrameFill): DecodedFrames {
  const { frames, height: h, width: w, channels: ch } = video;
  const { taps, weights, constant } = remapTable(m, w, h, ch, fill);
  const out = new Uint8Array(frames.length);
  const frameBytes = h * w * ch;
  for (let base = 0; base < frames.length; base += frameBytes) {
    for (let p = 0; p < w * h; p++) {
      const t0 = base + (taps[4 * p] as number);
      const t1 = base + (taps[4 * p + 1] as number);
      const t2 = base + (taps[4 * p + 2] as number);
      const t3 = base + (taps[4 * p + 3] as number);
      const w0 = weights[4 * p] as number;
      const w1 = weights[4 * p + 1] as number;
      const w2 = weights[4 * p + 2] as number;
      const w3 = weights[4 * p + 3] as number;
      const c = (constant[p] as number) + 0.5; // + 0.5: Uint8Array truncates, so this rounds
      const to = base + p * ch;
      out[to] =
        c +
        w0 * (frames[t0] as number) +
        w1 * (frames[t1] as number) +
        w2 * (frames[t2] as number) +
        w3 * (frames[t3] as number);
      if (ch === 3) {
        // DecodedFrames are grey (1) or RGB (3)
        out[to + 1] =
          c +
          w0 * (frames[t0 + 1] as number) +
          w1 * (frames[t1 + 1] as number) +
          w2 * (frames[t2 + 1] as number) +
          w3 * (frames[t3 + 1] as number);
        out[to + 2] =
          c +
          w0 * (frames[t0 + 2] as number) +
          w1 * (frames[t1 + 2] as number) +
          w2 * (frames[t2 + 2] as number) +
          w3 * (frames[t3 + 2] as number);
      }
    }
  }
  return { frames: out, height: h, width: w, channels: ch };
}

/** Per output pixel: byte offsets of its four taps in a frame, their weights, and what the fill adds. */
function remapTable(
  m: PlaneMap,
  w: number,
  h: number,
  ch: number,
  fill: FrameFill,
): { taps: Int32Array; weights: Float64Array; constant: Float64Array } {
  const taps = new Int32Array(4 * w * h);
  const weights = new Float64Array(4 * w * h);
  const constant = new Float64Array(w * h);
  // Inverse map: p = centre + R^T (p' - centre - translate) / scale; along a row x' steps by 1.
  const ux = m.cos / m.scale;
  const uy = m.sin / m.scale;
  for (let r = 0; r < h; r++) {
    const v = r - m.cy - m.dy;
    const u0 = -m.cx - m.dx;
    const xRow = m.cx + ux * u0 - uy * v;
    const yRow = m.cy + uy * u0 + ux * v;
    for (let c = 0; c < w; c++) {
      const x = xRow + ux * c;
      const y = yRow + uy * c;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const p = r * w + c;
      for (let q = 0; q < 4; q++) {
        const tx = x0 + (q & 1);
        const ty = y0 + (q >> 1);
        const weight = ((q & 1) === 1 ? fx : 1 - fx) * (q >> 1 === 1 ? fy : 1 - fy);
        if (fill === 'edge' || (tx >= 0 && tx < w && ty >= 0 && ty < h)) {
          taps[4 * p + q] = (Math.min(h - 1, Math.max(0, ty)) * w + Math.min(w - 1, Math.max(0, tx))) * ch;
          weights[4 * p + q] = weight;
        } else {
          constant[p] = (constant[p] as number) + weight * fill; // the tap stays at offset 0 with weight 0
        }
      }
    }
  }
  return { taps, weights, constant };
}

/** Keypoints move with the picture; those carried out of the frame keep their coordinates and score. */
function movePose(stream: PoseStream, m: PlaneMap): PoseStream {
  const { data, dims } = stream;
  const out = data.slice();
  for (let p = 0; p < data.length; p += dims) {
    const x = (data[p] as number) - m.cx;
    const y = (data[p + 1] as number) - m.cy;
    out[p] = m.cx + m.scale * (m.cos * x + m.sin * y) + m.dx;
    out[p + 1] = m.cy + m.scale * (-m.sin * x + m.cos * y) + m.dy;
  }
  return { ...stream, data: out };
}
