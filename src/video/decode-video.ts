import { spawn } from 'node:child_process';
import { UserError } from '../core/errors.ts';
import type { DecodedFrames } from '../core/stream.ts';
import { FfmpegLogTail, LineSplitter, checkVideoFile, childExit, passthroughTimingArgs, probeVideo, type VideoProbe } from './probe-video.ts';

/**
 * Any video ffmpeg reads, decoded to RGB (rgb24) at a requested size and streamed: frames come one
 * at a time from ffmpeg's stdout pipe and the next is read only when asked for, so a long clip is
 * never held whole and a slow consumer stalls ffmpeg instead of filling memory.
 *
 * Everything but the pipe reading is ffmpeg's: frames are picked by index with the `select`
 * filter before any scaling or colour conversion (skipped frames are decoded, as inter-frame codecs
 * need, but never converted to RGB or piped), then resized keeping their aspect ratio (`scale`,
 * area averaging as in resizeFrames) and centre-cropped or padded with black to the size. Every
 * decoded frame passes with its own timestamp (no frame duplicated or dropped to fit a rate).
 *
 * The file is probed first (probeVideo; pass `probe` to skip that), which gives the frame count the
 * selection is checked against and the exact timestamps: a frame's `t` is the probe's timestamp
 * of its index.
 */
export type FrameSelection =
  /** Every frame. */
  | 'all'
  /** Frames 0, n, 2n, ... */
  | { every: number }
  /** These frames, in non-decreasing order; a repeated index yields the frame again (a copy). */
  | { indices: readonly number[] }
  /** `count` frames evenly spread: frame floor((j + 0.5) N / count) for j = 0..count-1 (repeats when count > N). */
  | { count: number };

export interface DecodeVideoOptions {
  /** Output size (a number: square); default the probed size, unscaled. */
  size?: { width: number; height: number } | number;
  /** How the aspect ratio is kept when it differs from `size`'s: 'crop' (fill, centre crop; default) or 'pad' (fit, black bars). */
  fit?: 'crop' | 'pad';
  /** Default 'all'. */
  frames?: FrameSelection;
  /** Aborting kills ffmpeg; the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The file's probe, if already made (saves one decoding pass). */
  probe?: VideoProbe;
}

export interface DecodedVideoFrame {
  /** Index of the frame in the file (0-based, in decoding output order). */
  index: number;
  /** Presentation time, seconds (VideoProbe.timestamps[index]). */
  t: number;
  /** height x width x 3 bytes, RGB, row-major; the consumer owns it. */
  frame: Uint8Array;
}

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

/**
 * The frames of `path`, one at a time. Breaking out of the loop (or `return()`), an error in the
 * consumer, or the abort signal kills ffmpeg and waits for it to exit, so no child is left behind.
 * A file that ends before the frames asked for were decoded, or an ffmpeg that exits non-zero,
 * ends the iteration with the frames decoded so far and then a UserError naming the file with
 * ffmpeg's last message.
 */
export async function* decodeVideoFrames(ffmpeg: string, path: string, options: DecodeVideoOptions = {}): AsyncGenerator<DecodedVideoFrame, void, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  const probe = options.probe ?? (await probeVideo(ffmpeg, path, signal === undefined ? {} : { signal }));
  const plan = planDecode(probe, options);
  await checkVideoFile(path);
  signal?.throwIfAborted();
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+error',
    '-i', path, '-map', '0:v:0', '-vf', plan.filter, ...(await passthroughTimingArgs(ffmpeg)),
    '-frames:v', String(plan.decoded.length), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const exited = childExit(child);
  const log = new FfmpegLogTail();
  const lines = new LineSplitter((line) => log.read(line));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => lines.push(chunk));
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });

  const frameBytes = plan.width * plan.height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let k = 0;
  let next = 0;
  let surplus = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      // ffmpeg stops after the frames asked for (-frames:v); more bytes mean the file is not the one probed.
      if (k >= plan.decoded.length) {
        surplus = true;
        break;
      }
      let at = 0;
      while (at < chunk.length && k < plan.decoded.length) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < frameBytes) break;
        signal?.throwIfAborted();
        const index = plan.decoded[k] as number;
        const t = probe.timestamps[index] as number;
        // A repeated index yields copies; the last one gets the buffer itself.
        while (next + 1 < plan.indices.length && plan.indices[next + 1] === index) {
          yield { index, t, frame: frame.slice() };
          next++;
        }
        yield { index, t, frame };
        next++;
        k++;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
      if (at < chunk.length) {
        surplus = true;
        break;
      }
    }
    if (surplus) child.kill('SIGKILL');
    const exit = await exited;
    lines.end();
    signal?.throwIfAborted();
    if (exit.error !== undefined) throw new UserError(`cannot run ffmpeg (${ffmpeg}): ${exit.error.message}`, 'Run `motionfuse doctor` to see which ffmpeg is used.', { cause: exit.error });
    const said = log.lastError ?? log.lastLine;
    if (surplus) {
      throw new UserError(`video ${path} gave more than the ${plan.decoded.length} frames asked for`, 'The file changed since it was probed; probe it again.');
    }
    if (exit.code !== 0) {
      throw new UserError(`decoding video ${path} failed after ${k} of ${plan.decoded.length} frames: ffmpeg: ${exit.signal !== null ? `killed by ${exit.signal}` : said || `exit status ${String(exit.code)}`}`,
        'Check that the file is complete and unchanged since it was probed.');
    }
    if (k !== plan.decoded.length || filled !== 0) {
      throw new UserError(`video ${path} ended after ${k}${filled !== 0 ? ' and a part' : ''} of the ${plan.decoded.length} frames asked for${said ? ` (ffmpeg: ${said})` : ''}`,
        'The file is truncated or damaged, or changed since it was probed; re-copy it.');
    }
  } finally {
    signal?.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

export interface DecodeClipOptions extends DecodeVideoOptions {
  /** Called after each frame (for progress): frames collected so far and how many there will be. */
  onFrame?: (decoded: number, total: number) => void;
}

/** Decodes `path` into one DecodedClip (streamed into a buffer sized from the probe). */
export async function decodeClip(ffmpeg: string, path: string, options: DecodeClipOptions = {}): Promise<DecodedClip> {
  const probe = options.probe ?? (await probeVideo(ffmpeg, path, options.signal === undefined ? {} : { signal: options.signal }));
  const plan = planDecode(probe, options);
  const frameBytes = plan.width * plan.height * 3;
  const frames = new Uint8Array(plan.indices.length * frameBytes);
  const t = new Float64Array(plan.indices.length);
  let j = 0;
  for await (const f of decodeVideoFrames(ffmpeg, path, { ...options, probe })) {
    frames.set(f.frame, j * frameBytes);
    t[j] = f.t;
    j++;
    options.onFrame?.(j, plan.indices.length);
  }
  return {
    frames: { frames, width: plan.width, height: plan.height, channels: 3 },
    timestamps: t, indices: plan.indices, fps: probe.fps, sourceWidth: probe.width, sourceHeight: probe.height, probe,
  };
}

/** The frame indices `selection` names in a clip of `frameCount` frames (checked; errors name the argument). */
export function selectedFrameIndices(frameCount: number, selection: FrameSelection = 'all'): number[] {
  if (selection === 'all') return Array.from({ length: frameCount }, (_, i) => i);
  if (typeof selection === 'object' && selection !== null) {
    if ('every' in selection) {
      const { every } = selection;
      if (!Number.isInteger(every) || every < 1) throw new Error(`decodeVideoFrames(): frames.every must be a whole number >= 1, got ${every}`);
      return Array.from({ length: Math.ceil(frameCount / every) }, (_, j) => j * every);
    }
    if ('count' in selection) {
      const { count } = selection;
      if (!Number.isInteger(count) || count < 1) throw new Error(`decodeVideoFrames(): frames.count must be a whole number >= 1, got ${count}`);
      return evenlySpacedIndices(frameCount, count);
    }
    if ('indices' in selection) {
      const indices = Array.from(selection.indices);
      indices.forEach((i, j) => {
        if (!Number.isInteger(i) || i < 0 || i >= frameCount) throw new Error(`decodeVideoFrames(): frames.indices[${j}] = ${i} is not a frame of this ${frameCount}-frame clip`);
        if (j > 0 && i < (indices[j - 1] as number)) throw new Error(`decodeVideoFrames(): frames.indices must not decrease, but [${j}] = ${i} follows ${indices[j - 1]}`);
      });
      return indices;
    }
  }
  throw new Error(`decodeVideoFrames(): frames must be 'all', { every }, { indices } or { count }, got ${JSON.stringify(selection)}`);
}

/** `count` indices evenly spread over `frameCount` frames: the middle of each of `count` equal parts. */
export function evenlySpacedIndices(frameCount: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(((j + 0.5) * frameCount) / count));
}

interface DecodePlan {
  width: number;
  height: number;
  /** What the caller gets, in order. */
  indices: number[];
  /** Distinct indices, ascending: what ffmpeg outputs. */
  decoded: number[];
  filter: string;
}

function planDecode(probe: VideoProbe, options: DecodeVideoOptions): DecodePlan {
  const { width, height } = outputSize(probe, options.size);
  const fit = options.fit ?? 'crop';
  if (fit !== 'crop' && fit !== 'pad') throw new Error(`decodeVideoFrames(): fit must be 'crop' or 'pad', got '${String(fit)}'`);
  const indices = selectedFrameIndices(probe.frameCount, options.frames);
  const decoded = indices.filter((i, j) => j === 0 || i !== indices[j - 1]);
  const filters: string[] = [];
  if (decoded.length < probe.frameCount) filters.push(`select='${selectExpression(decoded)}'`);
  if (width !== probe.width || height !== probe.height) {
    // Scaled so the frame covers (crop) or fits in (pad) the size, then cut or bordered to it, centred.
    // In RGB before cropping or padding, so the cut is exact to the pixel and the border black.
    filters.push(`scale=${width}:${height}:force_original_aspect_ratio=${fit === 'crop' ? 'increase' : 'decrease'}:flags=area`, 'format=rgb24',
      fit === 'crop' ? `crop=${width}:${height}` : `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black`);
  } else {
    filters.push('format=rgb24');
  }
  return { width, height, indices, decoded, filter: filters.join(',') };
}

function outputSize(probe: VideoProbe, size: DecodeVideoOptions['size']): { width: number; height: number } {
  if (size === undefined) return { width: probe.width, height: probe.height };
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 16384) throw new Error(`decodeVideoFrames(): size ${typeof size === 'number' ? '' : `${name} `}must be a whole number of pixels 1-16384, got ${value}`);
  }
  return { width, height };
}

/**
 * An expression for ffmpeg's `select` filter true for exactly these frame numbers (ascending,
 * distinct): runs of consecutive frames become `between(n,a,b)`, a regular stride `not(mod(n,s))`.
 */
function selectExpression(frames: number[]): string {
  if (frames.length === 0) return '0';
  const stride = (frames[1] ?? 0) - (frames[0] as number);
  if (frames.length > 2 && frames[0] === 0 && stride > 1 && frames.every((f, j) => f === j * stride)) {
    return `not(mod(n,${stride}))*lte(n,${frames[frames.length - 1] as number})`;
  }
  const terms: string[] = [];
  for (let j = 0; j < frames.length;) {
    let end = j;
    while (end + 1 < frames.length && frames[end + 1] === (frames[end] as number) + 1) end++;
    terms.push(end === j ? `eq(n,${frames[j] as number})` : `between(n,${frames[j] as number},${frames[end] as number})`);
    j = end + 1;
  }
  return terms.join('+');
}
