import { UserError } from '../core/errors.ts';
import { checkedFit, outputSize, planDecode, type FrameRequest } from './decode-plan.ts';
import { startDecoding } from './decoding-run.ts';
import { startDecodingThroughFiles } from './file-decoding-run.ts';
import { onePassFilterGraph } from './ffmpeg-filters.ts';
import { selectedFrameIndices } from './frame-selection.ts';
import {
  FfmpegLogTail,
  ShowinfoLog,
  checkVideoFile,
  damagedVideo,
  hasSideDataFilter,
  passthroughTimingArgs,
  probeFromShowinfo,
  probeVideo,
  type VideoProbe,
} from './probe-video.ts';

/**
 * Any video ffmpeg reads, decoded to RGB (rgb24) at a requested size and streamed: frames come one
 * at a time from ffmpeg's stdout pipe and the next is read only when asked for, so a long clip is
 * never held whole and a slow consumer stalls ffmpeg instead of filling memory.
 *
 * Everything but the pipe reading (decoding-run.ts) is ffmpeg's: frames are picked, resized and
 * cropped or padded by its filters (ffmpeg-filters.ts). Every decoded frame passes with its own
 * timestamp (no frame duplicated or dropped to fit a rate).
 *
 * The file is probed first (probeVideo; pass `probe` to skip that), which gives the frame count the
 * selection is checked against and the exact timestamps: a frame's `t` is the probe's timestamp
 * of its index.
 */

/** Which frames, at what size (FrameRequest), and how the decode runs. */
export interface DecodeVideoOptions extends FrameRequest {
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
export async function* decodeVideoFrames(
  ffmpeg: string,
  path: string,
  options: DecodeVideoOptions = {},
): AsyncGenerator<DecodedVideoFrame, VideoProbe, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (decodesInOnePass(options)) return yield* decodeInOnePass(ffmpeg, path, options);
  const probe = options.probe ?? (await probeVideo(ffmpeg, path, signal === undefined ? {} : { signal }));
  const plan = planDecode(probe, options);
  await checkVideoFile(path);
  signal?.throwIfAborted();
  const log = new FfmpegLogTail();
  const run = startDecoding(
    ffmpeg,
    path,
    plan.filter,
    await passthroughTimingArgs(ffmpeg),
    { loglevel: 'level+error', frames: plan.decoded.length },
    log,
    signal,
  );
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
      throw new UserError(
        `video ${path} gave more than the ${plan.decoded.length} frames asked for`,
        'The file changed since it was probed; probe it again.',
      );
    }
    if (exit.code !== 0) {
      throw new UserError(
        `decoding video ${path} failed after ${k} of ${plan.decoded.length} frames: ffmpeg: ${exit.signal !== null ? `killed by ${exit.signal}` : said || `exit status ${String(exit.code)}`}`,
        'Check that the file is complete and unchanged since it was probed.',
      );
    }
    if (k !== plan.decoded.length || partial) {
      throw new UserError(
        `video ${path} ended after ${k}${partial ? ' and a part' : ''} of the ${plan.decoded.length} frames asked for${said ? ` (ffmpeg: ${said})` : ''}`,
        'The file is truncated or damaged, or changed since it was probed; re-copy it.',
      );
    }
    return probe;
  } finally {
    await run.stop();
  }
}

/** Whether decodeVideoFrames reads `options`' frames in one ffmpeg run (see there). */
export function decodesInOnePass(options: DecodeVideoOptions): boolean {
  const frames = options.frames ?? 'all';
  return (
    options.probe === undefined &&
    options.size !== undefined &&
    (frames === 'all' || (typeof frames === 'object' && frames !== null && 'every' in frames))
  );
}

/**
 * decodeVideoFrames in one ffmpeg run (decodesInOnePass). `allocate` gives the buffer each frame
 * is read into (decodeClip's views into one clip buffer), told the frame count the file's header
 * suggests; default a new array per frame. `through` 'files' hands the frames and log over through
 * temporary files (startDecodingThroughFiles: cheaper, but ffmpeg never waits for the consumer, so
 * only for a caller that keeps every frame); default 'pipe'.
 */
export async function* decodeInOnePass(
  ffmpeg: string,
  path: string,
  options: DecodeVideoOptions,
  allocate?: (estimate: number | undefined) => Uint8Array,
  through: 'pipe' | 'files' = 'pipe',
): AsyncGenerator<DecodedVideoFrame, VideoProbe, undefined> {
  const { signal } = options;
  const { width, height } = outputSize(options.size, { width: 0, height: 0 });
  const fit = checkedFit(options.fit);
  const frames = options.frames ?? 'all';
  selectedFrameIndices(1, frames); // checks it
  const every = frames === 'all' || !('every' in frames) ? 1 : frames.every;
  // The two questions to ffmpeg (asked once per binary) and the file check at once.
  const [, timingArgs, dropSideData] = await Promise.all([
    checkVideoFile(path),
    passthroughTimingArgs(ffmpeg),
    hasSideDataFilter(ffmpeg),
  ]);
  signal?.throwIfAborted();
  const filter = onePassFilterGraph(every, width, height, fit, dropSideData);
  const log = new ShowinfoLog();
  const run = (through === 'files' ? startDecodingThroughFiles : startDecoding)(
    ffmpeg,
    path,
    filter,
    timingArgs,
    { loglevel: 'level+info' },
    log,
    signal,
  );
  let k = 0;
  try {
    const estimate = () => {
      const frames = log.estimatedFrameCount();
      return frames === undefined ? undefined : Math.ceil(frames / every);
    };
    for await (const frame of run.frames(
      width * height * 3,
      undefined,
      allocate === undefined ? undefined : () => allocate(estimate()),
    )) {
      signal?.throwIfAborted();
      const index = k * every;
      // showinfo logs a frame before ffmpeg writes it, but the two pipes are read independently.
      const t = await run.logged(() => log.frames[index]);
      if (log.firstError !== undefined) throw damagedVideo(path, log.firstError);
      if (t === undefined)
        throw new Error(`decodeVideoFrames(): ffmpeg's log for ${path} has no line for frame ${index}`);
      const expected = estimate();
      yield { index, t, frame, expected: expected === undefined ? undefined : Math.max(k + 1, expected) };
      k++;
    }
    const { exit, partial } = await run.finished();
    signal?.throwIfAborted();
    const probe = probeFromShowinfo(path, log, exit);
    const expected = Math.ceil(probe.frameCount / every);
    if (k !== expected || partial) {
      throw new UserError(
        `video ${path} gave ${k}${partial ? ' and a part' : ''} frames where its decoder delivered ${expected}`,
        'The file may be damaged; re-copy it.',
      );
    }
    return probe;
  } finally {
    await run.stop();
  }
}
