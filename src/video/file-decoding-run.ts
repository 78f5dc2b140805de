import { spawn, type ChildProcess } from 'node:child_process';
import { close, closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { cannotRun, decodingArgs, type DecodingRun } from './decoding-run.ts';
import { childExit, LineSplitter, type FfmpegLogTail } from './probe-video.ts';

/**
 * A DecodingRun whose ffmpeg writes its frames and its log into two temporary files that this
 * process reads as they grow (every POLL_MS, and at exit), instead of into pipes. For a clip held
 * whole anyway (decodeClip) this is cheaper: a pipe hands frames over 64 KiB at a time and ffmpeg
 * writes its log a piece of a line at a time, each a wake-up of both processes (about a third of
 * this process's time on a small clip, docs/performance.md); a file is read in whole frames at
 * once, and ffmpeg never waits for us. The files are unlinked as soon as both ends hold them open
 * (where the system allows it), so nothing is left behind whatever happens to either process.
 * Unlike the pipe, nothing stalls ffmpeg: the frames not yet read wait in the file (in memory),
 * so use it only where the whole clip is kept, and within handoverRoom().
 */
export function startDecodingThroughFiles(
  ffmpeg: string,
  path: string,
  filter: string,
  timingArgs: string[],
  how: { loglevel: string; frames?: number },
  log: FfmpegLogTail,
  signal: AbortSignal | undefined,
): DecodingRun {
  const dir = mkdtempSync(join(HANDOVER_FOLDER, `motionfuse-decode-${process.pid}-`));
  const framesPath = join(dir, 'frames.rgb');
  const logPath = join(dir, 'ffmpeg.log');
  const framesOut = openSync(framesPath, 'w');
  const logOut = openSync(logPath, 'w');
  const framesIn = openSync(framesPath, 'r');
  const logIn = openSync(logPath, 'r');
  let removed = false;
  const remove = () => {
    if (removed) return;
    try {
      for (const file of [framesPath, logPath]) rmSync(file, { force: true });
      rmSync(dir, { recursive: true, force: true });
      removed = true;
    } catch {
      // A system that cannot unlink an open file (Windows): removed at stop().
    }
  };
  let child: ChildProcess;
  try {
    child = spawn(ffmpeg, decodingArgs(path, filter, timingArgs, how), {
      stdio: ['ignore', framesOut, logOut],
      windowsHide: true,
    });
  } catch (err) {
    closeSync(framesIn);
    closeSync(logIn);
    throw err;
  } finally {
    closeSync(framesOut);
    closeSync(logOut);
    remove();
  }
  let ended = false;
  const exited = childExit(child).then((exit) => {
    ended = true;
    return exit;
  });
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });

  const lines = new LineSplitter((line) => log.read(line));
  const text = new StringDecoder('utf8');
  const chunk = Buffer.alloc(64 * 1024);
  let logAt = 0;
  let logEnded = false;
  /** Reads what ffmpeg has logged since the last call; after its exit, to the end. */
  const readLog = () => {
    if (logEnded) return;
    const done = ended;
    for (;;) {
      const n = readSync(logIn, chunk, 0, chunk.length, logAt);
      if (n === 0) break;
      logAt += n;
      lines.push(text.write(chunk.subarray(0, n)));
    }
    if (done) {
      lines.push(text.end());
      lines.end();
      logEnded = true;
    }
  };
  /** A short wait for more output: a timer, or ffmpeg's exit. */
  const more = () =>
    Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, POLL_MS).unref())]).then(() => undefined);

  let surplus = false;
  let partial = false;
  let closed = false;
  return {
    async *frames(frameBytes, limit = Number.POSITIVE_INFINITY, allocate = () => new Uint8Array(frameBytes)) {
      let frame: Uint8Array | undefined;
      let filled = 0;
      let at = 0;
      let k = 0;
      for (;;) {
        const done = ended;
        readLog();
        const size = fstatSync(framesIn).size;
        const batch: Uint8Array[] = [];
        while (at < size && k + batch.length < limit) {
          // Allocated when its first byte is there, so the clip buffer never grows for a frame that does not come.
          frame ??= allocate();
          const n = readSync(framesIn, frame, filled, Math.min(frameBytes - filled, size - at), at);
          filled += n;
          at += n;
          if (filled < frameBytes) break;
          batch.push(frame);
          frame = undefined;
          filled = 0;
        }
        for (const full of batch) {
          k++;
          yield full;
        }
        // ffmpeg stops after the frames asked for (-frames:v); more bytes mean the file is not the one probed.
        if (k >= limit && at < size) {
          surplus = true;
          child.kill('SIGKILL');
          break;
        }
        if (done && at >= size) break;
        await more();
      }
      partial = filled !== 0;
    },
    async logged(read) {
      for (;;) {
        readLog();
        const value = read();
        if (value !== undefined || logEnded) return value;
        await more();
      }
    },
    async finished() {
      const exit = await exited;
      readLog();
      if (exit.error !== undefined) throw cannotRun(ffmpeg, exit.error);
      return { exit, surplus, partial };
    },
    async stop() {
      signal?.removeEventListener('abort', kill);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (closed) return;
      closed = true;
      // The last close frees the file's pages (milliseconds for a clip): on libuv's pool, waited for only where the files still need removing.
      const closing = Promise.all(
        [framesIn, logIn].map((fd) => new Promise<void>((resolve) => close(fd, () => resolve()))),
      );
      if (!removed) {
        await closing;
        remove();
      }
    },
  };
}

/**
 * Where the files go: /dev/shm (Linux's shared-memory file system), never a disk: on a disk the
 * kernel may hold ffmpeg's writes back while it flushes other work (measured: slower than the pipe
 * on a busy machine). Elsewhere there is no such folder and decodes keep the pipe.
 */
export const HANDOVER_FOLDER = '/dev/shm';

/**
 * Bytes of frames a decode may hand over through HANDOVER_FOLDER now: a quarter of its free space,
 * at most 1 GiB (a clip's frames are in memory twice until the run ends: the file, and the clip);
 * 0 where the folder is missing or has under 256 MiB free.
 */
export function handoverRoom(): number {
  try {
    if (!existsSync(HANDOVER_FOLDER)) return 0;
    const { bavail, bsize } = statfsSync(HANDOVER_FOLDER);
    const free = Number(bavail) * Number(bsize);
    return free < 256 * 2 ** 20 ? 0 : Math.min(free / 4, 2 ** 30);
  } catch {
    return 0;
  }
}

/** How often the files are looked at while ffmpeg runs: a 100 ms clip is read in about 20 steps. */
const POLL_MS = 5;
