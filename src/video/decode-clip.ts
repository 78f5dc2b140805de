import type { DecodedFrames } from '../core/stream.ts';
import { planDecode, outputSize } from './decode-plan.ts';
import {
  decodeInOnePass,
  decodesInOnePass,
  decodeVideoFrames,
  type DecodedVideoFrame,
  type DecodeVideoOptions,
} from './decode-video.ts';
import { handoverRoom } from './file-decoding-run.ts';
import { selectedFrameIndices } from './frame-selection.ts';
import { probeVideo, type VideoProbe } from './probe-video.ts';

/**
 * A whole clip's frames in one buffer (a DecodedClip), for work that needs them all at once (key
 * frames, a data set's clip). It decodes in one ffmpeg run where it can: frames are read straight
 * into a buffer grown as they come, and a selection that needs the frame count is taken from it
 * once the count is known.
 */

/** A decoded clip: the frames as DecodedFrames, with each one's time and index in the file. */
export interface DecodedClip {
  /** [n x height x width x 3] RGB. */
  frames: DecodedFrames;
  /** Presentation time of each decoded frame, seconds. */
  timestamps: Float64Array;
  /** Index in the file of each decoded frame. */
  indices: number[];
  /** The file's nominal frame rate (VideoProbe.fps). */
  fps: number;
  /** The file's frame size before resizing. */
  sourceWidth: number;
  sourceHeight: number;
  probe: VideoProbe;
}

export interface DecodeClipOptions extends DecodeVideoOptions {
  /**
   * Called after each frame: frames collected so far, how many there will be (in one pass, an
   * estimate from the file's header; undefined without one), and the frame (for work that can
   * run while the rest decodes, e.g. FrameDifferenceStream; its bytes must not be changed).
   */
  onFrame?: (decoded: number, total: number | undefined, frame: DecodedVideoFrame) => void;
  /** The most bytes a selection's one pass may hold (every frame at the output size); default 256 MiB. */
  onePassLimit?: number;
}

/**
 * Decodes `path` into one DecodedClip. In one pass where decodeVideoFrames can (see there); a
 * selection that needs the frame count ({count}, {indices}) at a given size also decodes in one
 * pass, every frame, and takes its frames once the count is known, unless the whole clip would
 * exceed `onePassLimit`: then it probes and decodes just the selection.
 */
export async function decodeClip(ffmpeg: string, path: string, options: DecodeClipOptions = {}): Promise<DecodedClip> {
  if (decodesInOnePass(options)) return decodeClipInOnePass(ffmpeg, path, options);
  if (options.probe === undefined && options.size !== undefined) {
    const { onFrame, frames: selection, onePassLimit = ONE_PASS_MAX_BYTES, ...rest } = options;
    try {
      const whole = await decodeClipInOnePass(ffmpeg, path, rest, onePassLimit);
      return takeFrames(whole, selectedFrameIndices(whole.probe.frameCount, selection), onFrame);
    } catch (err) {
      if (!(err instanceof ClipTooLong)) throw err;
    }
  }
  const probe =
    options.probe ?? (await probeVideo(ffmpeg, path, options.signal === undefined ? {} : { signal: options.signal }));
  // The size is known: frames go straight into place.
  const plan = planDecode(probe, options);
  const frameBytes = plan.width * plan.height * 3;
  const frames = new Uint8Array(plan.indices.length * frameBytes);
  const t = new Float64Array(plan.indices.length);
  let j = 0;
  for await (const f of decodeVideoFrames(ffmpeg, path, { ...options, probe })) {
    frames.set(f.frame, j * frameBytes);
    t[j] = f.t;
    j++;
    options.onFrame?.(j, plan.indices.length, f);
  }
  return {
    frames: { frames, width: plan.width, height: plan.height, channels: 3 },
    timestamps: t,
    indices: plan.indices,
    fps: probe.fps,
    sourceWidth: probe.width,
    sourceHeight: probe.height,
    probe,
  };
}

/**
 * One pass: the count is known only at the end, so ffmpeg's bytes go straight into a clip buffer
 * sized from the header's estimate (at most MAX_INITIAL_FRAMES) and grown by half when short.
 * Beyond `maxBytes` (or a header's estimate beyond it) it stops with ClipTooLong. Frames and log
 * come through files where handoverRoom() allows (cheaper than the pipe: docs/performance.md).
 */
async function decodeClipInOnePass(
  ffmpeg: string,
  path: string,
  options: DecodeClipOptions,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<DecodedClip> {
  const room = handoverRoom();
  if (room > 0) {
    try {
      return await decodeClipOnce(ffmpeg, path, options, maxBytes, room);
    } catch (err) {
      if (!(err instanceof NoRoom)) throw err;
    }
  }
  return decodeClipOnce(ffmpeg, path, options, maxBytes, 0);
}

/**
 * decodeClipInOnePass through the pipe (`room` 0) or through files (startDecodingThroughFiles),
 * when the header's estimate fits in `room`: it stops with NoRoom at the first frame when it does not,
 * or when the header gives none (nothing passed to onFrame yet).
 */
async function decodeClipOnce(
  ffmpeg: string,
  path: string,
  options: DecodeClipOptions,
  maxBytes: number,
  room: number,
): Promise<DecodedClip> {
  const { width, height } = outputSize(options.size, { width: 0, height: 0 });
  const frameBytes = width * height * 3;
  let buffer = new Uint8Array(0);
  let allocated = 0;
  const allocate = (estimate: number | undefined) => {
    // A header that promises more than the limit stops it at the first frame (a long clip is not decoded for nothing).
    if (
      (allocated + 1) * frameBytes > maxBytes ||
      (allocated === 0 && estimate !== undefined && estimate * frameBytes > maxBytes)
    )
      throw new ClipTooLong();
    // Without an estimate nothing bounds the files' size: such clips take the pipe.
    if (room > 0 && allocated === 0 && (estimate === undefined || estimate * frameBytes > room)) throw new NoRoom();
    if ((allocated + 1) * frameBytes > buffer.length) {
      const frames = Math.max(allocated + 1, Math.ceil(allocated * 1.5), Math.min(estimate ?? 16, MAX_INITIAL_FRAMES));
      const grown = new Uint8Array(frames * frameBytes);
      grown.set(buffer.subarray(0, allocated * frameBytes));
      buffer = grown;
    }
    allocated++;
    return buffer.subarray((allocated - 1) * frameBytes, allocated * frameBytes);
  };
  const t: number[] = [];
  const indices: number[] = [];
  const decoding = decodeInOnePass(ffmpeg, path, options, allocate, room > 0 ? 'files' : 'pipe');
  let step = await decoding.next();
  while (step.done !== true) {
    const f = step.value;
    t.push(f.t);
    indices.push(f.index);
    options.onFrame?.(indices.length, f.expected, f);
    step = await decoding.next();
  }
  const probe = step.value;
  const used = indices.length * frameBytes;
  // An estimate well over the count would hold memory for nothing.
  const frames = buffer.length > used * 1.25 ? buffer.slice(0, used) : buffer.subarray(0, used);
  return {
    frames: { frames, width, height, channels: 3 },
    timestamps: Float64Array.from(t),
    indices,
    fps: probe.fps,
    sourceWidth: probe.width,
    sourceHeight: probe.height,
    probe,
  };
}

/** The most frames a one-pass clip buffer starts with, whatever a header claims. */
const MAX_INITIAL_FRAMES = 4096;

/** The most a selection's one pass holds by default (every frame at the output size): 256 MiB, 6,800 frames at 112 x 112. */
const ONE_PASS_MAX_BYTES = 256 * 2 ** 20;

/** The whole clip would exceed a one-pass limit. */
class ClipTooLong extends Error {}

/** The header's estimate of the clip exceeds what may go through files, or there is none: decode it through the pipe. */
class NoRoom extends Error {}

/** These frames of a whole decoded clip, as a DecodedClip of their own (a repeated index is copied again). */
function takeFrames(whole: DecodedClip, indices: number[], onFrame: DecodeClipOptions['onFrame']): DecodedClip {
  const { width, height } = whole.frames;
  const frameBytes = width * height * 3;
  const frames = new Uint8Array(indices.length * frameBytes);
  const t = new Float64Array(indices.length);
  indices.forEach((index, j) => {
    const frame = whole.frames.frames.subarray(index * frameBytes, (index + 1) * frameBytes);
    frames.set(frame, j * frameBytes);
    t[j] = whole.timestamps[index] as number;
    onFrame?.(j + 1, indices.length, {
      index,
      t: t[j] as number,
      frame: frames.subarray(j * frameBytes, (j + 1) * frameBytes),
      expected: indices.length,
    });
  });
  return { ...whole, frames: { frames, width, height, channels: 3 }, timestamps: t, indices };
}
