import { spawn } from 'node:child_process';
import { UserError } from '../core/errors.ts';
import type { DecodedFrames } from '../core/stream.ts';
import { FfmpegLogTail, LineSplitter, SHOWINFO_FILTER, ShowinfoLog, checkVideoFile, childExit, damagedVideo, passthroughTimingArgs, probeFromShowinfo, probeVideo, type VideoProbe } from './probe-video.ts';

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
  /** Frames the iteration yields in all: exact after a probe; in one pass, estimated from the file's header (undefined without one). */
  expected: number | undefined;
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
 * The frames of `path`, one at a time; the generator returns the file's probe when done.
 * Breaking out of the loop (or `return()`), an error in the consumer, or the abort signal kills
 * ffmpeg and waits for it to exit, so no child is left behind. A file that ends before the frames
 * asked for were decoded, or an ffmpeg that exits non-zero, ends the iteration with the frames
 * decoded so far and then a UserError naming the file with ffmpeg's last message.
 *
 * One pass or two: a selection that needs the frame count ({count}, {indices}) or no `size` (the
 * output is the unknown source size) probes the file first, unless given `probe`. 'all' and
 * {every} at a given size decode in one ffmpeg run whose filter graph opens with the probe's own
 * showinfo filter: the timestamps and the probe come from its log, exactly as probeVideo's, and
 * a damaged file is reported as probeVideo would, as soon as ffmpeg says so.
 */
export async function* decodeVideoFrames(ffmpeg: string, path: string, options: DecodeVideoOptions = {}): AsyncGenerator<DecodedVideoFrame, VideoProbe, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (decodesInOnePass(options)) return yield* decodeInOnePass(ffmpeg, path, options);
  const probe = options.probe ?? (await probeVideo(ffmpeg, path, signal === undefined ? {} : { signal }));
  const plan = planDecode(probe, options);
  await checkVideoFile(path);
  signal?.throwIfAborted();
  const log = new FfmpegLogTail();
  const run = startDecoding(ffmpeg, path, plan.filter, await passthroughTimingArgs(ffmpeg), { loglevel: 'level+error', frames: plan.decoded.length }, log, signal);
  let k = 0;
  let next = 0;
  try {
    for await (const frame of run.frames(plan.width * plan.height * 3, plan.decoded.length)) {
      signal?.throwIfAborted();
      const index = plan.decoded[k] as number;
      const t = probe.timestamps[index] as number;
      // A repeated index yields copies; the last one gets the buffer itself.
      while (next + 1 < plan.indices.length && plan.indices[next + 1] === index) {
        yield { index, t, frame: frame.slice(), expected: plan.indices.length };
        next++;
      }
      yield { index, t, frame, expected: plan.indices.length };
      next++;
      k++;
    }
    const { exit, surplus, partial } = await run.finished();
    signal?.throwIfAborted();
    const said = log.lastError ?? log.lastLine;
    if (surplus) {
      throw new UserError(`video ${path} gave more than the ${plan.decoded.length} frames asked for`, 'The file changed since it was probed; probe it again.');
    }
    if (exit.code !== 0) {
      throw new UserError(`decoding video ${path} failed after ${k} of ${plan.decoded.length} frames: ffmpeg: ${exit.signal !== null ? `killed by ${exit.signal}` : said || `exit status ${String(exit.code)}`}`,
        'Check that the file is complete and unchanged since it was probed.');
    }
    if (k !== plan.decoded.length || partial) {
      throw new UserError(`video ${path} ended after ${k}${partial ? ' and a part' : ''} of the ${plan.decoded.length} frames asked for${said ? ` (ffmpeg: ${said})` : ''}`,
        'The file is truncated or damaged, or changed since it was probed; re-copy it.');
    }
    return probe;
  } finally {
    await run.stop();
  }
}

/** Whether decodeVideoFrames reads `options`' frames in one ffmpeg run (see there). */
export function decodesInOnePass(options: DecodeVideoOptions): boolean {
  const frames = options.frames ?? 'all';
  return options.probe === undefined && options.size !== undefined && (frames === 'all' || (typeof frames === 'object' && frames !== null && 'every' in frames));
}

/**
 * `allocate` gives the buffer each frame is read into (decodeClip's views into one clip buffer),
 * told the frame count the file's header suggests; default a new array per frame.
 */
async function* decodeInOnePass(ffmpeg: string, path: string, options: DecodeVideoOptions, allocate?: (estimate: number | undefined) => Uint8Array): AsyncGenerator<DecodedVideoFrame, VideoProbe, undefined> {
  const { signal } = options;
  const { width, height } = outputSize(options.size, { width: 0, height: 0 });
  const fit = checkedFit(options.fit);
  const frames = options.frames ?? 'all';
  selectedFrameIndices(1, frames); // checks it
  const every = frames === 'all' || !('every' in frames) ? 1 : frames.every;
  await checkVideoFile(path);
  signal?.throwIfAborted();
  const filter = [SHOWINFO_FILTER, ...(every > 1 ? [`select='not(mod(n,${every}))'`] : []), ...resizeFilters(width, height, fit)].join(',');
  const log = new ShowinfoLog();
  const run = startDecoding(ffmpeg, path, filter, await passthroughTimingArgs(ffmpeg), { loglevel: 'level+info' }, log, signal);
  let k = 0;
  try {
    const estimate = () => {
      const frames = log.estimatedFrameCount();
      return frames === undefined ? undefined : Math.ceil(frames / every);
    };
    for await (const frame of run.frames(width * height * 3, undefined, allocate === undefined ? undefined : () => allocate(estimate()))) {
      signal?.throwIfAborted();
      const index = k * every;
      // showinfo logs a frame before ffmpeg writes it, but the two pipes are read independently.
      const t = await run.logged(() => log.frames[index]);
      if (log.firstError !== undefined) throw damagedVideo(path, log.firstError);
      if (t === undefined) throw new Error(`decodeVideoFrames(): ffmpeg's log for ${path} has no line for frame ${index}`);
      const expected = estimate();
      yield { index, t, frame, expected: expected === undefined ? undefined : Math.max(k + 1, expected) };
      k++;
    }
    const { exit, partial } = await run.finished();
    signal?.throwIfAborted();
    const probe = probeFromShowinfo(path, log, exit);
    const expected = Math.ceil(probe.frameCount / every);
    if (k !== expected || partial) {
      throw new UserError(`video ${path} gave ${k}${partial ? ' and a part' : ''} frames where its decoder delivered ${expected}`, 'The file may be damaged; re-copy it.');
    }
    return probe;
  } finally {
    await run.stop();
  }
}

interface DecodingRun {
  /** Frames of `frameBytes` from ffmpeg's stdout, each read into `allocate()` (default a new buffer); at most `limit` (more is `surplus`). */
  frames(frameBytes: number, limit?: number, allocate?: () => Uint8Array): AsyncGenerator<Uint8Array, void, undefined>;
  /** `read()`'s value once the log has it, or once the log has ended. */
  logged<T>(read: () => T | undefined): Promise<T | undefined>;
  /** Waits for ffmpeg's exit once the frames are read. */
  finished(): Promise<{ exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error }; surplus: boolean; partial: boolean }>;
  /** Kills ffmpeg if still running and waits for it. */
  stop(): Promise<void>;
}

/** ffmpeg decoding `path` through `filter` to rgb24 on its stdout, its log lines going to `log`. */
function startDecoding(ffmpeg: string, path: string, filter: string, timingArgs: string[], how: { loglevel: string; frames?: number }, log: FfmpegLogTail, signal: AbortSignal | undefined): DecodingRun {
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', how.loglevel,
    '-i', path, '-map', '0:v:0', '-vf', filter, ...timingArgs,
    ...(how.frames === undefined ? [] : ['-frames:v', String(how.frames)]), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const exited = childExit(child);
  const lines = new LineSplitter((line) => log.read(line));
  let logEnded = false;
  let wake: (() => void) | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    lines.push(chunk);
    wake?.();
  });
  child.stderr.on('end', () => {
    lines.end();
    logEnded = true;
    wake?.();
  });
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });
  let surplus = false;
  let partial = false;
  return {
    async *frames(frameBytes, limit = Number.POSITIVE_INFINITY, allocate = () => new Uint8Array(frameBytes)) {
      // Allocated when its first byte comes, so the clip buffer never grows for a frame that does not.
      let frame: Uint8Array | undefined;
      let filled = 0;
      let k = 0;
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        let at = 0;
        while (at < chunk.length && k < limit) {
          frame ??= allocate();
          const n = Math.min(frameBytes - filled, chunk.length - at);
          frame.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled < frameBytes) break;
          const full = frame;
          frame = undefined;
          filled = 0;
          k++;
          yield full;
        }
        // ffmpeg stops after the frames asked for (-frames:v); more bytes mean the file is not the one probed.
        if (at < chunk.length) {
          surplus = true;
          child.kill('SIGKILL');
          break;
        }
      }
      partial = filled !== 0;
    },
    async logged(read) {
      for (;;) {
        const value = read();
        if (value !== undefined || logEnded) return value;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    },
    async finished() {
      const exit = await exited;
      if (exit.error !== undefined) throw cannotRun(ffmpeg, exit.error);
      return { exit, surplus, partial };
    },
    async stop() {
      signal?.removeEventListener('abort', kill);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function cannotRun(ffmpeg: string, error: Error): UserError {
  return new UserError(`cannot run ffmpeg (${ffmpeg}): ${error.message}`, 'Run `motionfuse doctor` to see which ffmpeg is used.', { cause: error });
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
  const probe = options.probe ?? (await probeVideo(ffmpeg, path, options.signal === undefined ? {} : { signal: options.signal }));
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
    timestamps: t, indices: plan.indices, fps: probe.fps, sourceWidth: probe.width, sourceHeight: probe.height, probe,
  };
}

/**
 * One pass: the count is known only at the end, so ffmpeg's bytes go straight into a clip buffer
 * sized from the header's estimate (at most MAX_INITIAL_FRAMES) and grown by half when short.
 * Beyond `maxBytes` (or a header's estimate beyond it) it stops with ClipTooLong.
 */
async function decodeClipInOnePass(ffmpeg: string, path: string, options: DecodeClipOptions, maxBytes = Number.POSITIVE_INFINITY): Promise<DecodedClip> {
  const { width, height } = outputSize(options.size, { width: 0, height: 0 });
  const frameBytes = width * height * 3;
  let buffer = new Uint8Array(0);
  let allocated = 0;
  const allocate = (estimate: number | undefined) => {
    // A header that promises more than the limit stops it at the first frame (a long clip is not decoded for nothing).
    if ((allocated + 1) * frameBytes > maxBytes || (allocated === 0 && estimate !== undefined && estimate * frameBytes > maxBytes)) throw new ClipTooLong();
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
  const decoding = decodeInOnePass(ffmpeg, path, options, allocate);
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
    timestamps: Float64Array.from(t), indices, fps: probe.fps, sourceWidth: probe.width, sourceHeight: probe.height, probe,
  };
}

/** The most frames a one-pass clip buffer starts with, whatever a header claims. */
const MAX_INITIAL_FRAMES = 4096;

/** The most a selection's one pass holds by default (every frame at the output size): 256 MiB, 6,800 frames at 112 x 112. */
const ONE_PASS_MAX_BYTES = 256 * 2 ** 20;

/** The whole clip would exceed a one-pass limit. */
class ClipTooLong extends Error {}

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
    onFrame?.(j + 1, indices.length, { index, t: t[j] as number, frame: frames.subarray(j * frameBytes, (j + 1) * frameBytes), expected: indices.length });
  });
  return { ...whole, frames: { frames, width, height, channels: 3 }, timestamps: t, indices };
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
  const { width, height } = outputSize(options.size, probe);
  const fit = checkedFit(options.fit);
  const indices = selectedFrameIndices(probe.frameCount, options.frames);
  const decoded = indices.filter((i, j) => j === 0 || i !== indices[j - 1]);
  const filters: string[] = [];
  if (decoded.length < probe.frameCount) filters.push(`select='${selectExpression(decoded)}'`);
  filters.push(...(width !== probe.width || height !== probe.height ? resizeFilters(width, height, fit) : ['format=rgb24']));
  return { width, height, indices, decoded, filter: filters.join(',') };
}

/**
 * Scaled so the frame covers (crop) or fits in (pad) the size, then cut or bordered to it, centred.
 * In RGB before cropping or padding, so the cut is exact to the pixel and the border black.
 */
export function resizeFilters(width: number, height: number, fit: 'crop' | 'pad'): string[] {
  return [`scale=${width}:${height}:force_original_aspect_ratio=${fit === 'crop' ? 'increase' : 'decrease'}:flags=area`, 'format=rgb24',
    fit === 'crop' ? `crop=${width}:${height}` : `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black`];
}

function checkedFit(fit: DecodeVideoOptions['fit']): 'crop' | 'pad' {
  const value = fit ?? 'crop';
  if (value !== 'crop' && value !== 'pad') throw new Error(`decodeVideoFrames(): fit must be 'crop' or 'pad', got '${String(value)}'`);
  return value;
}

/** `size` checked, or the source's size when not given. */
function outputSize(size: DecodeVideoOptions['size'], source: { width: number; height: number }): { width: number; height: number } {
  if (size === undefined) return { width: source.width, height: source.height };
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
