import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { UserError } from '../core/errors.ts';

export interface CameraFeedOptions {
  /** The ffmpeg binary (src/video/ffmpeg-binary.ts finds it; src/live may not import video/). */
  ffmpeg: string;
  /** A V4L2 device (/dev/videoN) or a video file, played at its own pace. */
  source: string;
  /** Frames a second sent on (default 8: enough to see the athlete, cheap to encode). */
  fps?: number;
  /** Width of the frames, px (default 480; the height keeps the aspect ratio). */
  width?: number;
}

const SOI = 0xd8;
const EOI = 0xd9;

/**
 * The camera's picture for the live page: ffmpeg reads the camera (or plays a file at its own
 * pace), scales it down and writes JPEG frames to a pipe; the newest whole frame is kept for
 * `onFrame` listeners. Only a view: nothing is recognised from it (see live-recogniser.ts).
 */
export class CameraFeed {
  readonly source: string;
  #latest: Buffer | undefined;
  #frames = 0;
  readonly #listeners = new Set<(jpeg: Buffer) => void>();
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;
  readonly #exited: Promise<void>;
  #stderr = '';

  private constructor(source: string, child: ChildProcessByStdio<null, Readable, Readable>) {
    this.source = source;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stderr.on('data', (d: Buffer) => {
      if (this.#stderr.length < 4000) this.#stderr += d.toString();
    });
    let pending: Buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // ffmpeg's mjpeg frames are whole JPEG files back to back: SOI ... EOI. An EOI marker
      // cannot occur inside the entropy-coded data (0xFF is stuffed there as FF 00).
      for (;;) {
        const start = pending.indexOf(Buffer.of(0xff, SOI));
        if (start < 0) {
          pending = Buffer.alloc(0);
          return;
        }
        const end = pending.indexOf(Buffer.of(0xff, EOI), start + 2);
        if (end < 0) {
          pending = pending.subarray(start);
          return;
        }
        this.#publish(Buffer.from(pending.subarray(start, end + 2)));
        pending = pending.subarray(end + 2);
      }
    });
  }

  /** Starts ffmpeg; rejects with a UserError when the camera or file gives no frame within 10 s. */
  static async start(options: CameraFeedOptions): Promise<CameraFeed> {
    const fps = options.fps ?? 8;
    const width = options.width ?? 480;
    const device = options.source.startsWith('/dev/video');
    const input = device ? ['-f', 'v4l2', '-i', options.source] : ['-re', '-i', options.source];
    const child = spawn(
      options.ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', ...input],
        ...['-an', '-vf', `fps=${fps},scale=${width}:-2`, '-c:v', 'mjpeg', '-q:v', '6'],
        ...['-f', 'image2pipe', 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const feed = new CameraFeed(options.source, child);
    const first = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame within 10 s')), 10_000);
      feed.onFrame(() => {
        clearTimeout(timer);
        resolve();
      });
      void feed.#exited.then(() => {
        clearTimeout(timer);
        reject(new Error(feed.#stderr.trim() || 'ffmpeg exited'));
      });
    });
    try {
      await first;
    } catch (err) {
      await feed.close();
      throw new UserError(
        `cannot show camera ${options.source}: ${(err as Error).message}`,
        device
          ? 'Check the device exists and no other program holds it (v4l2-ctl --list-devices).'
          : 'Check the path: a video file ffmpeg can read.',
      );
    }
    return feed;
  }

  /** The newest whole frame (JPEG), if one came. */
  get latest(): Buffer | undefined {
    return this.#latest;
  }

  get frames(): number {
    return this.#frames;
  }

  /** Calls `listener` with every frame (JPEG bytes); returns the unsubscribe function. */
  onFrame(listener: (jpeg: Buffer) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  #publish(jpeg: Buffer): void {
    this.#latest = jpeg;
    this.#frames++;
    for (const listener of this.#listeners) listener(jpeg);
  }
}
