import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { UserError } from '../../src/core/errors.ts';
import { hostNow } from '../imu-packet.ts';
import { FrameHostClock } from './frame-host-clock.ts';
import { FramecrcParser, LastLines, type FramecrcFrame } from './framecrc-parser.ts';

export interface FfmpegCameraOptions {
  /** The ffmpeg binary (the CLI finds it: src/video/ffmpeg-binary.ts; sensors/ may not import src/video). */
  ffmpeg: string;
  /** A V4L2 device (`/dev/video0`) or a video file, played in real time. */
  source: string;
  /** The video file to write (Matroska, FFV1); must not exist. */
  out: string;
  /** Seconds to wait for the first frame before the camera counts as failed to open (default 15). */
  openTimeoutSeconds?: number;
}

/** A frame as recorded: its index in the written file and its host time. */
export interface CameraFrame {
  index: number;
  hostTime: number;
  /** The frame's time on the camera's clock (ffmpeg's pts_time), seconds. */
  ptsTime: number;
  width?: number;
  height?: number;
}

/** How ffmpeg ended: `requested` after stop(); otherwise the camera died or the file ended. */
export interface CameraExit {
  requested: boolean;
  code: number | null;
  signal: string | null;
  frames: number;
  /** ffmpeg's last error lines. */
  message: string;
}

/**
 * Seconds a frame's stamp is held before it is handed out, so that frames after it refine the
 * clock offset first (the first frames come late while ffmpeg starts, for up to half a second).
 * A crash loses this much of the stamps and up to one release tick (0.25 s) more: under the
 * second a recording may lose (issue #20); the frames themselves are in video.mkv.
 */
const HOLD_SECONDS = 0.6;

/** Seconds stop() waits for ffmpeg to finish the file after 'q' before it signals it. */
const STOP_GRACE_SECONDS = 10;

/**
 * A camera (or a video file played at its own rate) recorded by ffmpeg into a lossless file, with
 * a host time stamp per frame as ffmpeg produces it. ffmpeg's tee muxer sends every encoded packet
 * both to the video file and to a `framecrc` listing on its standard output (one line per packet,
 * flushed at once), parsed as it comes: the i-th line is the i-th frame of the file, so the frame
 * count in the XDF file is the file's (a filter such as showinfo sees frames that 'q' then drops
 * before the encoder). The frame's pts is put on the host clock by `FrameHostClock`. `-vsync 0`
 * passes every frame on as it is (none dropped or duplicated).
 *
 * If the recorder dies, the listing's pipe breaks and the tee muxer makes ffmpeg stop too, so no
 * camera is left recording for nobody.
 *
 * ffmpeg runs in its own process group so that Ctrl-C in the terminal reaches the recorder only,
 * which then stops ffmpeg with 'q' on its standard input: ffmpeg finishes and closes the file.
 */
export class FfmpegCamera {
  readonly source: string;
  readonly out: string;
  private readonly options: FfmpegCameraOptions;
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private readonly parser = new FramecrcParser();
  private readonly log = new LastLines();
  private readonly clock = new FrameHostClock();
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();
  private readonly exitListeners = new Set<(exit: CameraExit) => void>();
  private frames = 0;
  /** Frames observed whose stamps are held (see HOLD_SECONDS). */
  private readonly held: (FramecrcFrame & { index: number; arrival: number })[] = [];
  private releaseTimer: NodeJS.Timeout | undefined;
  private firstSeen: (() => void) | undefined;
  private stopping = false;
  private exited: Promise<CameraExit> | undefined;

  constructor(options: FfmpegCameraOptions) {
    this.options = options;
    this.source = options.source;
    this.out = options.out;
  }

  /** Frames seen so far. */
  get frameCount(): number {
    return this.frames;
  }

  /** ffmpeg's current offset of host time over the camera's pts, seconds (Infinity before a frame). */
  get hostMinusPts(): number {
    return this.clock.hostMinusPts;
  }

  onFrame(listener: (frame: CameraFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onExit(listener: (exit: CameraExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /**
   * Starts ffmpeg and resolves at the first frame. A source that does not exist, or an ffmpeg that
   * exits or sends no frame within the open timeout, is a UserError with ffmpeg's own message.
   */
  async start(): Promise<void> {
    if (this.child !== undefined) throw new Error('FfmpegCamera.start(): already started');
    const args = ffmpegCameraArgs(this.source, this.out);
    const child = spawn(this.options.ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    // 'q' after ffmpeg left fails with EPIPE: nothing to stop any more.
    child.stdin.on('error', () => undefined);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.frameLines(this.parser.push(chunk)));
    // Stamps still held when frames stop coming (a stalled camera) are handed out all the same.
    this.releaseTimer = setInterval(() => this.release(hostNow() - HOLD_SECONDS), 250);
    this.releaseTimer.unref();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.log.push(chunk));
    const outputEnded = Promise.all([
      new Promise<void>((resolve) => child.stdout.once('close', () => resolve())),
      new Promise<void>((resolve) => child.stderr.once('close', () => resolve())),
    ]);
    this.exited = new Promise<CameraExit>((resolve) => {
      let spawnError: Error | undefined;
      child.once('error', (err) => (spawnError = err));
      child.once('close', (code, signal) => {
        void outputEnded.then(() => {
          this.frameLines(this.parser.end());
          clearInterval(this.releaseTimer);
          this.release(Number.POSITIVE_INFINITY);
          const message = spawnError?.message ?? this.log.last(3).join(' | ');
          const exit = { requested: this.stopping, code, signal, frames: this.frames, message };
          for (const listener of this.exitListeners) listener(exit);
          resolve(exit);
        });
      });
    });
    const timeout = this.options.openTimeoutSeconds ?? 15;
    const first = new Promise<'frame'>((resolve) => (this.firstSeen = () => resolve('frame')));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      first,
      this.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout * 1000))),
    ]);
    clearTimeout(timer);
    if (outcome === 'frame') return;
    if (outcome === 'timeout') await this.stop();
    const why = outcome === 'timeout' ? `no frame within ${timeout} s` : describeExit(outcome);
    throw new UserError(
      `camera ${this.source} did not open: ${why}`,
      this.source.startsWith('/dev/')
        ? 'check that the camera is plugged in and not used by another program (v4l2-ctl --list-devices lists cameras)'
        : 'check that the file is a video ffmpeg can read (ffprobe FILE)',
    );
  }

  /** Asks ffmpeg to finish ('q'), then SIGTERM and SIGKILL if it does not; resolves with how it ended. */
  async stop(): Promise<CameraExit | undefined> {
    const child = this.child;
    if (child === undefined || this.exited === undefined) return undefined;
    this.stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.write('q');
      child.stdin.end();
      const escalate = setTimeout(() => child.kill('SIGTERM'), STOP_GRACE_SECONDS * 1000);
      const kill = setTimeout(() => child.kill('SIGKILL'), (STOP_GRACE_SECONDS + 5) * 1000);
      const exit = await this.exited;
      clearTimeout(escalate);
      clearTimeout(kill);
      return exit;
    }
    return this.exited;
  }

  /** Frames listed: observed by the clock at once, their stamps held for HOLD_SECONDS. */
  private frameLines(lines: FramecrcFrame[]): void {
    if (lines.length === 0) return;
    const arrival = hostNow();
    for (const line of lines) {
      this.clock.observe(line.ptsTime, arrival);
      this.held.push({ ...line, index: this.frames++, arrival });
    }
    this.firstSeen?.();
    this.release(arrival - HOLD_SECONDS);
  }

  /** Hands out the held frames that arrived by `upTo`, stamped by the clock as it stands now. */
  private release(upTo: number): void {
    while (this.held.length > 0 && (this.held[0] as { arrival: number }).arrival <= upTo) {
      const { index, ptsTime, width, height } = this.held.shift() as (typeof this.held)[number];
      const frame: CameraFrame = { index, hostTime: this.clock.stamp(ptsTime), ptsTime };
      if (width !== undefined && height !== undefined) {
        frame.width = width;
        frame.height = height;
      }
      for (const listener of this.frameListeners) listener(frame);
    }
  }
}

/**
 * ffmpeg's arguments: a V4L2 device as is, a file at its own rate (`-re`); FFV1 (lossless,
 * intra-only, slices with CRCs so a damaged frame is found) in Matroska, teed to the framecrc
 * listing on standard output.
 */
export function ffmpegCameraArgs(source: string, out: string): string[] {
  const input = /^\/dev\/video\d+$/.test(source) ? ['-f', 'v4l2', '-i', source] : ['-re', '-i', checkVideoFile(source)];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    '-n',
    ...input,
    '-map',
    '0:v:0',
    '-an',
    '-vsync',
    '0',
    '-c:v',
    'ffv1',
    '-level',
    '3',
    '-g',
    '1',
    '-slicecrc',
    '1',
    '-flush_packets',
    '1',
    '-f',
    'tee',
    `[f=matroska]${teeEscape(out)}|[f=framecrc]pipe:1`,
  ];
}

/** A path as one slave of the tee muxer (its special characters escaped with backslashes). */
function teeEscape(path: string): string {
  return path.replace(/[\\|[\]':]/g, (c) => `\\${c}`);
}

function checkVideoFile(source: string): string {
  if (source.startsWith('/dev/')) {
    throw new UserError(
      `camera ${source} is not a V4L2 capture device (/dev/videoN)`,
      'name a camera as /dev/video0, /dev/video1, ..., or a video file',
    );
  }
  if (!existsSync(source)) {
    throw new UserError(
      `camera ${source}: no such file or device`,
      'name a camera as /dev/videoN or an existing video file',
    );
  }
  if (!statSync(source).isFile())
    throw new UserError(`camera ${source} is not a file`, 'name a video file or /dev/videoN');
  return source;
}

function describeExit(exit: CameraExit): string {
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `ffmpeg exited with code ${exit.code}`;
  return `${how}${exit.message !== '' ? `: ${exit.message}` : ''}`;
}
