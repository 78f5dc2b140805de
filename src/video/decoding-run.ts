import { spawn } from 'node:child_process';
import { UserError } from '../core/errors.ts';
import { childExit, LineSplitter, type FfmpegLogTail } from './probe-video.ts';

/**
 * One ffmpeg child decoding a video to raw RGB frames on its stdout pipe, read a frame at a time:
 * the next is read only when asked for, so a long clip is never held whole and a slow consumer
 * stalls ffmpeg instead of filling memory. Its log (stderr) is read beside it, line by line.
 */

export interface DecodingRun {
  /** Frames of `frameBytes` from ffmpeg's stdout, each read into `allocate()` (default a new buffer); at most `limit` (more is `surplus`). */
  frames(frameBytes: number, limit?: number, allocate?: () => Uint8Array): AsyncGenerator<Uint8Array, void, undefined>;
  /** `read()`'s value once the log has it, or once the log has ended. */
  logged<T>(read: () => T | undefined): Promise<T | undefined>;
  /** Waits for ffmpeg's exit once the frames are read. */
  finished(): Promise<{
    exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
    surplus: boolean;
    partial: boolean;
  }>;
  /** Kills ffmpeg if still running and waits for it. */
  stop(): Promise<void>;
}

/** ffmpeg decoding `path` through `filter` to rgb24 on its stdout, its log lines going to `log`. */
export function startDecoding(
  ffmpeg: string,
  path: string,
  filter: string,
  timingArgs: string[],
  how: { loglevel: string; frames?: number },
  log: FfmpegLogTail,
  signal: AbortSignal | undefined,
): DecodingRun {
  const child = spawn(ffmpeg, decodingArgs(path, filter, timingArgs, how), {
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
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
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
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

/** ffmpeg's arguments for decoding `path` through `filter` to rgb24 frames on its stdout. */
export function decodingArgs(
  path: string,
  filter: string,
  timingArgs: string[],
  how: { loglevel: string; frames?: number },
): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    how.loglevel,
    '-i',
    path,
    '-map',
    '0:v:0',
    '-vf',
    filter,
    ...timingArgs,
    ...(how.frames === undefined ? [] : ['-frames:v', String(how.frames)]),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

export function cannotRun(ffmpeg: string, error: Error): UserError {
  return new UserError(
    `cannot run ffmpeg (${ffmpeg}): ${error.message}`,
    'Run `motionfuse doctor` to see which ffmpeg is used.',
    { cause: error },
  );
}
