import type { DecodedFrames } from '../core/stream.ts';
import { SquaredDifferences } from './squared-differences.ts';

/**
 * Key frames by frame difference, as in the source paper: D_i = ||I_{i+1} - I_i||_2 over every
 * pixel and channel, i = 0..n-2, and frame i+1 is a key frame when D_i exceeds a threshold T.
 * D is divided by sqrt(H x W x C), the number of values in a frame, which makes it the
 * root-mean-square change per value in grey levels (0-255): the same motion gives the same D
 * whatever the frame size, and a grey clip the same as its RGB copy, so a fixed T means one
 * thing everywhere. The first frame is always a candidate (it opens the clip); having no
 * difference of its own, it ranks below every frame that passed T when there are too many.
 */
export type KeyFrameThreshold =
  /** D_i > value (grey levels, RMS). */
  | { kind: 'fixed'; value: number }
  /** D_i > mean(D) + k std(D), both over this clip alone (never across clips: no leakage). */
  | { kind: 'adaptive'; k: number }
  /** The `count` frames with the largest D (ties: the earlier frame). */
  | { kind: 'top'; count: number };

export interface KeyFrameOptions {
  threshold: KeyFrameThreshold;
  /** How many indices to return, whatever the clip holds: a fixed count batches. */
  count: number;
  /** When fewer key frames than `count`: 'sample' adds evenly spaced frames not yet chosen, 'pad' repeats the last chosen. */
  fill: 'pad' | 'sample';
}

export interface KeyFrameSelection {
  /** Exactly `count` frame indices, non-decreasing (repeats only where the clip is too short or `fill` is 'pad'). */
  indices: number[];
  /** D_i, i = 0..n-2, RMS grey levels. */
  differences: Float32Array;
  /** T as applied; for 'top' the smallest D kept; NaN where the clip has no differences to set it from. */
  threshold: number;
}

/** D_i = ||I_{i+1} - I_i||_2 / sqrt(H W C) for each consecutive pair: one pass over the bytes. */
export function frameDifferences(frames: DecodedFrames): Float32Array {
  const frameSize = checkedFrameCount('frameDifferences', frames).frameSize;
  return differencesOf(frames.frames, frameSize);
}

/**
 * The key frames of a clip, exactly `options.count` of them, in time order. `differences`, when
 * given, are the clip's D_i already computed (FrameDifferenceStream, while it decoded).
 */
export function selectKeyFrames(
  frames: DecodedFrames,
  options: KeyFrameOptions,
  differences?: Float32Array,
): KeyFrameSelection {
  const { n, frameSize } = checkedFrameCount('selectKeyFrames', frames);
  if (n === 0) throw new Error('selectKeyFrames(): frames holds no frame, there is nothing to choose from');
  const { count, fill, threshold } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`selectKeyFrames(): count must be a whole number >= 1, got ${count}`);
  if (fill !== 'pad' && fill !== 'sample')
    throw new Error(`selectKeyFrames(): fill must be 'pad' or 'sample', got '${String(fill)}'`);
  if (differences !== undefined && differences.length !== n - 1)
    throw new Error(`selectKeyFrames(): ${differences.length} differences given for ${n} frames (expected ${n - 1})`);
  const d = differences ?? differencesOf(frames.frames, frameSize);
  const { keys, threshold: applied } = keyFramesOver(d, threshold);
  // Too many: keep the largest differences (frame 0, which has none, goes first), then time order.
  const kept = keys.length > count ? keys.sort((a, b) => scoreOf(d, b) - scoreOf(d, a) || a - b).slice(0, count) : keys;
  kept.sort((a, b) => a - b);
  const indices = kept.length === count ? kept : fill === 'pad' ? padWithLast(kept, count) : fillEvenly(kept, count, n);
  return { indices, differences: d, threshold: applied };
}

/**
 * D_i frame by frame as the frames arrive, so the differencing runs while ffmpeg decodes the next
 * frames (on another core) instead of after the whole clip: the same values as frameDifferences.
 * A pushed frame is kept (not copied) until the next one.
 */
export class FrameDifferenceStream {
  private previous: Uint8Array | undefined;
  private readonly values: number[] = [];
  private readonly squares = new SquaredDifferences();
  private slot: 0 | 1 = 0;

  push(frame: Uint8Array): void {
    if (this.previous !== undefined && frame.length !== this.previous.length)
      throw new Error(
        `FrameDifferenceStream.push(): a frame of ${frame.length} bytes after one of ${this.previous.length}`,
      );
    this.slot = this.slot === 0 ? 1 : 0;
    this.squares.load(this.slot, frame);
    if (this.previous !== undefined) this.values.push(Math.sqrt(this.squares.sum(frame.length) / frame.length));
    this.previous = frame;
  }

  /** D_0 .. D_{n-2} of the n frames pushed so far. */
  differences(): Float32Array {
    return Float32Array.from(this.values);
  }
}

function checkedFrameCount(fn: string, video: DecodedFrames): { n: number; frameSize: number } {
  const { frames, height, width, channels } = video;
  const frameSize = height * width * channels;
  if (!(frames instanceof Uint8Array)) throw new Error(`${fn}(): frames.frames must be a Uint8Array`);
  if (!Number.isInteger(frameSize) || frameSize <= 0 || frames.length % frameSize !== 0) {
    throw new Error(`${fn}(): ${frames.length} bytes are not whole ${height}x${width}x${channels} frames`);
  }
  return { n: frames.length / frameSize, frameSize };
}

function differencesOf(bytes: Uint8Array, frameSize: number): Float32Array {
  const n = bytes.length / frameSize;
  const out = new Float32Array(Math.max(0, n - 1));
  const squares = new SquaredDifferences();
  if (n > 0) squares.load(0, bytes.subarray(0, frameSize));
  for (let i = 0; i + 1 < n; i++) {
    squares.load(((i + 1) % 2) as 0 | 1, bytes.subarray((i + 1) * frameSize, (i + 2) * frameSize));
    out[i] = Math.sqrt(squares.sum(frameSize) / frameSize);
  }
  return out;
}

/** Frame 0 and every frame i+1 with D_i above the threshold, ascending. */
function keyFramesOver(differences: Float32Array, threshold: KeyFrameThreshold): { keys: number[]; threshold: number } {
  const keys = [0];
  if (threshold.kind === 'top') {
    const { count } = threshold;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`selectKeyFrames(): threshold.count must be a whole number >= 1, got ${count}`);
    const ranked = Array.from(differences.keys())
      .sort((a, b) => (differences[b] as number) - (differences[a] as number) || a - b)
      .slice(0, count);
    for (const i of ranked.sort((a, b) => a - b)) keys.push(i + 1);
    const smallest = ranked.reduce((m, i) => Math.min(m, differences[i] as number), Number.POSITIVE_INFINITY);
    return { keys, threshold: ranked.length > 0 ? smallest : Number.NaN };
  }
  const t = thresholdValue(differences, threshold);
  for (let i = 0; i < differences.length; i++) if ((differences[i] as number) > t) keys.push(i + 1);
  return { keys, threshold: t };
}

function thresholdValue(differences: Float32Array, threshold: Exclude<KeyFrameThreshold, { kind: 'top' }>): number {
  if (threshold.kind === 'fixed') {
    if (!Number.isFinite(threshold.value))
      throw new Error(`selectKeyFrames(): threshold.value must be a finite number, got ${threshold.value}`);
    return threshold.value;
  }
  if (threshold.kind === 'adaptive') {
    if (!Number.isFinite(threshold.k))
      throw new Error(`selectKeyFrames(): threshold.k must be a finite number, got ${threshold.k}`);
    const n = differences.length;
    if (n === 0) return Number.NaN;
    let mean = 0;
    for (const d of differences) mean += d;
    mean /= n;
    let variance = 0;
    for (const d of differences) variance += (d - mean) * (d - mean);
    return mean + threshold.k * Math.sqrt(variance / n);
  }
  throw new Error(
    `selectKeyFrames(): threshold.kind must be 'fixed', 'adaptive' or 'top', got '${String((threshold as { kind: unknown }).kind)}'`,
  );
}

/** A key frame's rank: the difference that made frame i (i >= 1) a key frame; frame 0 has none. */
function scoreOf(differences: Float32Array, frame: number): number {
  return frame === 0 ? Number.NEGATIVE_INFINITY : (differences[frame - 1] as number);
}

function padWithLast(kept: number[], count: number): number[] {
  const last = kept[kept.length - 1] as number;
  return kept.concat(new Array<number>(count - kept.length).fill(last));
}

/**
 * Adds evenly spaced frames that are not chosen yet; a clip shorter than `count` gives every frame,
 * spread evenly with repeats.
 */
function fillEvenly(kept: number[], count: number, n: number): number[] {
  if (count >= n) return Array.from({ length: count }, (_, j) => Math.floor(((j + 0.5) * n) / count));
  const chosen = new Set(kept);
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => !chosen.has(i));
  const need = count - kept.length;
  // free.length >= need here, so these positions are distinct.
  for (let j = 0; j < need; j++) kept.push(free[Math.floor(((j + 0.5) * free.length) / need)] as number);
  return kept.sort((a, b) => a - b);
}
