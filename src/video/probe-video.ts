import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { UserError } from '../core/errors.ts';
import { runTool } from '../core/run-tool.ts';

/**
 * What a video file holds, found by ffmpeg itself (no ffprobe needed): the first video stream is
 * decoded once, without converting or keeping frames, through ffmpeg's `showinfo` filter, which
 * logs every decoded frame with its presentation timestamp as an integer count of the stream's
 * time base (logged exactly, as `config in time_base: 1/15360`). So `timestamps` are exact:
 * pts x time base, one per frame the decoder gives, in the order it gives them, and the frame
 * count is what a decoder really delivers (ffprobe's `-count_frames`), not what a header claims.
 *
 * Times are seconds from the start of the file as ffmpeg reads it by default (the container's
 * start time is subtracted, so the first frame is at or just after 0: an MPEG-4 Part 2 AVI with
 * packed B-frames starts at one frame interval). Where a frame comes without a timestamp, ffmpeg
 * predicts it from the previous frame and its duration (ffprobe leaves such a frame's time empty,
 * e.g. the last frames flushed from an AVI's decoder); should showinfo still log none (pts NOPTS),
 * the frame gets the previous time plus 1/fps.
 *
 * A missing, unreadable, non-video, truncated or corrupt file is a UserError naming the file with
 * what ffmpeg said (one line). Corrupt means ffmpeg exited non-zero, or logged anything at error
 * level while decoding (a truncated AVI decodes its first half with "ac-tex damaged" errors and
 * exits 0; a truncated MP4 has no `moov` atom), or decoded no frame.
 */
export interface VideoProbe {
  path: string;
  /** Decoded frame size in pixels (storage size: a non-square sample aspect ratio is not applied). */
  width: number;
  height: number;
  /** Nominal frame rate: the rate ffmpeg's filter graph is given for the stream (the stream's r_frame_rate); else from the timestamps. */
  fps: number;
  /** Frames the decoder delivers. */
  frameCount: number;
  /** Seconds the frames span: last timestamp - first + one nominal frame interval. */
  duration: number;
  /** Presentation time of each frame, seconds (see above). */
  timestamps: Float64Array;
  /** ffmpeg's name of the video codec: 'h264', 'mpeg4', 'ffv1' ... */
  codec: string;
}

export interface ProbeVideoOptions {
  signal?: AbortSignal;
}

/** Probes the first video stream of `path` with the ffmpeg at `ffmpeg` (see `locateFfmpeg`). */
export async function probeVideo(ffmpeg: string, path: string, options: ProbeVideoOptions = {}): Promise<VideoProbe> {
  await checkVideoFile(path);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'level+info',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-vf',
    SHOWINFO_FILTER,
    ...(await passthroughTimingArgs(ffmpeg)),
    '-f',
    'null',
    '-',
  ];
  const log = new ShowinfoLog();
  const exit = await runFfmpeg(ffmpeg, args, (line) => log.read(line), options.signal);
  return probeFromShowinfo(path, log, exit);
}

/** showinfo without its per-frame plane checksums (unused here, and costly on large frames). */
export const SHOWINFO_FILTER = 'showinfo=checksum=0';

/**
 * The probe of `path` from a finished ffmpeg run whose filter graph began with SHOWINFO_FILTER
 * (probeVideo's, or a decoding run's), after the checks described at VideoProbe: a UserError for
 * a non-zero exit, an error-level message, or no frame.
 */
export function probeFromShowinfo(
  path: string,
  log: ShowinfoLog,
  exit: { code: number | null; signal: NodeJS.Signals | null },
): VideoProbe {
  if (exit.code !== 0)
    throw cannotRead(path, log, exit.signal !== null ? `ffmpeg was killed by ${exit.signal}` : undefined);
  if (log.firstError !== undefined) throw damagedVideo(path, log.firstError);
  if (log.frames.length === 0 || log.width === undefined || log.height === undefined) {
    throw new UserError(
      `video ${path} has no decodable frame (ffmpeg: ${log.lastLine || 'no message'})`,
      'Check that the file is a video and is complete.',
    );
  }
  return log.result(path);
}

/** The error for a file ffmpeg logged an error-level message about while decoding. */
export function damagedVideo(path: string, said: string): UserError {
  return new UserError(
    `video ${path} is damaged or truncated: ffmpeg: ${said}`,
    'Re-copy or re-export the file; a partly downloaded or cut file cannot be used.',
  );
}

/**
 * ffmpeg's flag that passes every decoded frame through with its own timestamp (no frame
 * duplicated or dropped to fit a constant rate): `-fps_mode` since ffmpeg 5.1, `-vsync` before
 * (deprecated since). Asked once per binary.
 */
export async function passthroughTimingArgs(ffmpeg: string): Promise<string[]> {
  let known = timingFlags.get(ffmpeg);
  if (known === undefined) {
    known = runTool(ffmpeg, ['-hide_banner', '-h', 'long'], { timeoutMs: 15_000 }).then(
      ({ stdout }) => (/^-fps_mode\b/m.test(stdout) ? '-fps_mode' : '-vsync'),
      () => '-vsync',
    );
    timingFlags.set(ffmpeg, known);
  }
  return [await known, 'passthrough'];
}
const timingFlags = new Map<string, Promise<string>>();

/**
 * Whether this ffmpeg has the `sidedata` filter (4.1 and later). A decoding run deletes frames'
 * side data before showinfo with it: an MPEG-4 decoder attaches its quantiser tables to every
 * frame, which showinfo logs as two more lines per frame (half the log). Asked once per binary.
 */
export async function hasSideDataFilter(ffmpeg: string): Promise<boolean> {
  let known = sideDataFilters.get(ffmpeg);
  if (known === undefined) {
    known = runTool(ffmpeg, ['-hide_banner', '-h', 'filter=sidedata'], { timeoutMs: 15_000 }).then(
      ({ stdout }) => /^Filter sidedata\b/m.test(stdout) && /\bdelete\b/.test(stdout),
      () => false,
    );
    sideDataFilters.set(ffmpeg, known);
  }
  return known;
}
const sideDataFilters = new Map<string, Promise<boolean>>();

/** A missing path or a folder is named as such before ffmpeg is asked. */
export async function checkVideoFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UserError(`video file not found: ${path}`, 'Check the path.', { cause: err });
    throw new UserError(`cannot read video ${path}: ${(err as Error).message}`, 'Check the path and its permissions.', {
      cause: err,
    });
  }
  if (!isFile) throw new UserError(`video ${path} is not a file`, 'Name a video file, not a folder.');
}

/**
 * Runs ffmpeg to the end, handing each stderr line to `onLine` as it comes (a long clip's log is
 * never held whole). Arguments as an array, never through a shell. An abort kills it and rejects
 * with the signal's reason.
 */
async function runFfmpeg(
  ffmpeg: string,
  args: string[],
  onLine: (line: string) => void,
  abort?: AbortSignal,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  abort?.throwIfAborted();
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
  const lines = new LineSplitter(onLine);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => lines.push(chunk));
  const kill = () => child.kill('SIGKILL');
  abort?.addEventListener('abort', kill, { once: true });
  try {
    const exit = await childExit(child);
    lines.end();
    abort?.throwIfAborted();
    if (exit.error !== undefined)
      throw new UserError(
        `cannot run ffmpeg (${ffmpeg}): ${exit.error.message}`,
        'Run `motionfuse doctor` to see which ffmpeg is used.',
        { cause: exit.error },
      );
    return { code: exit.code, signal: exit.signal };
  } finally {
    abort?.removeEventListener('abort', kill);
  }
}

/** Resolves once the child has exited and its pipes are closed (or it failed to start). */
export function childExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }> {
  return new Promise((resolve) => {
    let error: Error | undefined;
    child.once('error', (err) => {
      error = err;
      // A program that never started emits no 'close' on some Node versions.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    child.once('close', (code, signal) => resolve(error === undefined ? { code, signal } : { code, signal, error }));
  });
}

function cannotRead(path: string, log: ShowinfoLog, detail?: string): UserError {
  const said = log.firstError ?? log.lastLine;
  if (/matches no streams/.test(said))
    return new UserError(`${path} has no video stream (ffmpeg: ${said})`, 'Name a video file.');
  return new UserError(
    `cannot read video ${path}: ffmpeg: ${detail ?? (said || 'no message')}`,
    'Check that the file is a complete video in a format ffmpeg reads.',
  );
}

/** Splits text arriving in chunks into lines (\n, \r\n or a progress line's \r). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.rest + chunk).split(/\r\n|\r|\n/);
    this.rest = parts.pop() ?? '';
    for (const line of parts) this.onLine(line);
  }
  end(): void {
    if (this.rest !== '') this.onLine(this.rest);
    this.rest = '';
  }
}

/**
 * One line of ffmpeg's log as a person would read it: with `-loglevel level+...` a line reads
 * `[mpeg4 @ 0x55d0] [error] ac-tex damaged at 19 8`; this gives `mpeg4: ac-tex damaged at 19 8`.
 */
export function ffmpegMessage(line: string): string {
  return line
    .replace(/\[([^\]@]+?) @ 0x[0-9a-f]+\] /g, '$1: ')
    .replace(/\[(?:trace|debug|verbose|info|warning|error|fatal|panic)\] /g, '')
    .trim();
}

/** Error-level messages; a message logged without a newline may share a line, so anywhere in it. */
const ERROR_LEVEL = /(?:\[[^\]@]+? @ 0x[0-9a-f]+\] )?\[(?:error|fatal|panic)\] .*/;

/** Keeps the error-level messages and the last line of an ffmpeg log. */
export class FfmpegLogTail {
  firstError: string | undefined;
  lastError: string | undefined;
  private last = '';
  /** The last non-blank line, as ffmpegMessage gives it (made when asked: a decoding run logs a line or two per frame). */
  get lastLine(): string {
    return ffmpegMessage(this.last);
  }
  read(line: string): void {
    if (line.trim() === '') return;
    this.last = line;
    // An error-level message carries its level tag (-loglevel level+...); most lines need no regex.
    if (!line.includes('[error]') && !line.includes('[fatal]') && !line.includes('[panic]')) return;
    const error = ERROR_LEVEL.exec(line);
    if (error !== null) {
      this.lastError = ffmpegMessage(error[0]);
      this.firstError ??= this.lastError;
    }
  }
}

const SHOWINFO_FRAME = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/;
const SHOWINFO_CONFIG = /config in time_base: (\d+)\/(\d+), frame_rate: (\d+)\/(\d+)/;
const FRAME_SIZE = /\bs:(\d+)x(\d+)\b/;
const STREAM_MAPPING = /Stream #0:\d+ -> #0:0 \((\w+)/;
const CONTAINER_DURATION = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/** What the probe reads from ffmpeg's log: showinfo's time base and frames, the codec, errors. */
export class ShowinfoLog extends FfmpegLogTail {
  /** Seconds, by showinfo's frame number. */
  readonly frames: number[] = [];
  timeBase: [number, number] | undefined;
  frameRate: [number, number] | undefined;
  width: number | undefined;
  height: number | undefined;
  codec = 'unknown';
  /** The container's stated duration, seconds (its header line, before any frame). */
  statedDuration: number | undefined;

  override read(line: string): void {
    super.read(line);
    // Most lines of a decoding run are showinfo's per-frame side data and colour lines: no regex for those.
    if (line.includes('side data') || line.includes('color_range:')) return;
    const frame = SHOWINFO_FRAME.exec(line);
    if (frame !== null) {
      this.frame(Number(frame[1]), frame[2] as string, frame[3] as string);
      if (this.width === undefined) {
        const size = FRAME_SIZE.exec(line);
        if (size !== null) [this.width, this.height] = [Number(size[1]), Number(size[2])];
      }
      return;
    }
    const config = SHOWINFO_CONFIG.exec(line);
    if (config !== null) {
      this.timeBase = [Number(config[1]), Number(config[2])];
      if (Number(config[3]) > 0 && Number(config[4]) > 0) this.frameRate = [Number(config[3]), Number(config[4])];
      return;
    }
    const mapping = STREAM_MAPPING.exec(line);
    if (mapping !== null) {
      this.codec = mapping[1] as string;
      return;
    }
    if (!line.includes('Duration: ')) return;
    const duration = CONTAINER_DURATION.exec(ffmpegMessage(line));
    if (duration !== null)
      this.statedDuration = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  }

  /** Frames the header's duration and rate suggest, for a progress bar before the count is known; undefined when either is missing. */
  estimatedFrameCount(): number | undefined {
    if (this.statedDuration === undefined || this.frameRate === undefined) return undefined;
    return Math.max(1, Math.round(this.statedDuration * this.nominalFps()));
  }

  private frame(n: number, pts: string, ptsTime: string): void {
    let t: number;
    if (pts === 'NOPTS') {
      const previous = this.frames[n - 1];
      t = previous === undefined ? 0 : previous + 1 / this.nominalFps();
    } else if (this.timeBase !== undefined && this.timeBase[1] > 0) {
      // pts x num / den: the integer product is exact below 2^53, so one rounding in the division.
      t = (Number(pts) * this.timeBase[0]) / this.timeBase[1];
    } else {
      // An ffmpeg whose showinfo does not log its time base: pts_time has 6 significant digits.
      t = Number(ptsTime);
    }
    this.frames[n] = t;
  }

  private nominalFps(): number {
    return this.frameRate !== undefined ? this.frameRate[0] / this.frameRate[1] : 25;
  }

  result(path: string): VideoProbe {
    const n = this.frames.length;
    const timestamps = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = this.frames[i];
      // showinfo numbers every frame; a gap means a line was lost, which would misalign every later frame.
      if (t === undefined) throw new Error(`probeVideo(): ffmpeg's log for ${path} has no line for frame ${i} of ${n}`);
      timestamps[i] = t;
    }
    const first = timestamps[0] as number;
    const last = timestamps[n - 1] as number;
    const fps =
      this.frameRate !== undefined
        ? this.frameRate[0] / this.frameRate[1]
        : n > 1 && last > first
          ? (n - 1) / (last - first)
          : Number.NaN;
    return {
      path,
      width: this.width as number,
      height: this.height as number,
      fps,
      frameCount: n,
      duration: last - first + (Number.isFinite(fps) ? 1 / fps : 0),
      timestamps,
      codec: this.codec,
    };
  }
}
