import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeClip } from '../src/video/decode-clip.ts';
import { resizeFilters } from '../src/video/ffmpeg-filters.ts';
import { locateFfmpeg } from '../src/video/ffmpeg-binary.ts';
import { FrameDifferenceStream, selectKeyFrames } from '../src/video/keyframes.ts';
import { childExit, passthroughTimingArgs } from '../src/video/probe-video.ts';
import { decodingArgs } from '../src/video/decoding-run.ts';

/** The real clips shipped beside the project (../shared/data/video). */
export const SHARED_VIDEO_DIR = fileURLToPath(new URL('../../shared/data/video/', import.meta.url));

/**
 * Decoding a clip to size x size RGB and choosing its key frames (decodeClip, which decodes and
 * times the frames in one ffmpeg run, with the frame differences taken as frames arrive, then
 * selectKeyFrames), as `motionfuse keyframes` does, against ffmpeg
 * alone decoding the same clip through the same scale and crop to raw frames that go nowhere
 * (/dev/null: the strictest reference, `ratio`). Other references: raw frames at the source size,
 * with no scaling; and the 112 x 112 frames written into a pipe this process drains and drops
 * (what any reader of ffmpeg's frames pays, `ratio_vs_piped`). Per clip the median of `repeats`
 * runs, the methods taken in turn; a ratio is reference seconds / ours (1 = as fast as the
 * reference), per clip and over the sum of all clips.
 */
export async function benchDecodeKeyframes(args: { dir: string; size: number; repeats: number }) {
  const ffmpeg = await locateFfmpeg();
  const timing = await passthroughTimingArgs(ffmpeg.path);
  const clips = readdirSync(args.dir)
    .filter((n) => /\.(mp4|avi|mkv|mov|webm)$/i.test(n))
    .sort()
    .map((n) => join(args.dir, n));
  if (clips.length === 0) throw new Error(`no video clips in ${args.dir}`);
  const ffmpegAlone =
    (path: string, filter: string, drained = false) =>
    async () => {
      const child = spawn(
        ffmpeg.path,
        // ffmpeg's arguments exactly as decodeClip's run gives them
        decodingArgs(path, filter, timing, { loglevel: 'error' }),
        { stdio: ['ignore', drained ? 'pipe' : 'ignore', 'inherit'] },
      );
      child.stdout?.resume();
      const exit = await childExit(child);
      if (exit.code !== 0) throw new Error(`ffmpeg failed on ${path}: exit ${String(exit.code)}`);
    };
  const ours = (path: string) => async () => {
    const differencing = new FrameDifferenceStream();
    const clip = await decodeClip(ffmpeg.path, path, {
      size: args.size,
      fit: 'crop',
      onFrame: (_, __, f) => differencing.push(f.frame),
    });
    selectKeyFrames(
      clip.frames,
      { threshold: { kind: 'adaptive', k: 0.5 }, count: 8, fill: 'sample' },
      differencing.differences(),
    );
    return clip.indices.length;
  };
  const rows: {
    clip: string;
    frames: number;
    ours_s: number;
    ffmpeg_s: number;
    ffmpeg_source_size_s: number;
    ffmpeg_piped_s: number;
  }[] = [];
  for (const path of clips) {
    const scaled = ffmpegAlone(path, resizeFilters(args.size, args.size, 'crop').join(','));
    const unscaled = ffmpegAlone(path, 'format=rgb24');
    const piped = ffmpegAlone(path, resizeFilters(args.size, args.size, 'crop').join(','), true);
    const mine = ours(path);
    const frames = await mine(); // warm-up: file cache, ffmpeg's flag query
    const times = {
      ours: [] as number[],
      ffmpeg: [] as number[],
      ffmpegSourceSize: [] as number[],
      ffmpegPiped: [] as number[],
    };
    for (let r = 0; r < args.repeats; r++) {
      times.ffmpeg.push(await seconds(scaled));
      times.ours.push(await seconds(mine));
      times.ffmpegSourceSize.push(await seconds(unscaled));
      times.ffmpegPiped.push(await seconds(piped));
    }
    rows.push({
      clip: basename(path),
      frames,
      ours_s: median(times.ours),
      ffmpeg_s: median(times.ffmpeg),
      ffmpeg_source_size_s: median(times.ffmpegSourceSize),
      ffmpeg_piped_s: median(times.ffmpegPiped),
    });
  }
  const sum = (k: 'ours_s' | 'ffmpeg_s' | 'ffmpeg_source_size_s' | 'ffmpeg_piped_s') =>
    rows.reduce((s, r) => s + r[k], 0);
  return {
    bench: 'decode-keyframes',
    size: args.size,
    ffmpeg: ffmpeg.version,
    repeats: args.repeats,
    clips: rows.map((r) => ({
      ...r,
      ratio: round(r.ffmpeg_s / r.ours_s),
      ratio_vs_piped: round(r.ffmpeg_piped_s / r.ours_s),
    })),
    total: {
      ours_s: round(sum('ours_s')),
      ffmpeg_s: round(sum('ffmpeg_s')),
      ffmpeg_source_size_s: round(sum('ffmpeg_source_size_s')),
      ratio: round(sum('ffmpeg_s') / sum('ours_s')),
      ratio_vs_source_size: round(sum('ffmpeg_source_size_s') / sum('ours_s')),
      ffmpeg_piped_s: round(sum('ffmpeg_piped_s')),
      ratio_vs_piped: round(sum('ffmpeg_piped_s') / sum('ours_s')),
    },
  };
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return round(
    s.length % 2 === 1
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2,
  );
}

function round(x: number): number {
  return Number(x.toFixed(3));
}
