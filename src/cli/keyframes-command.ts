import { readdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import { framePng } from '../report/canvas-primitives.ts';
import { renderKeyFramePlot } from '../report/keyframe-plot.ts';
import { decodeClip, type DecodedClip } from '../video/decode-clip.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { FrameDifferenceStream, selectKeyFrames, type KeyFrameThreshold } from '../video/keyframes.ts';

/**
 * `motionfuse keyframes VIDEO --out DIR`: the key frames of any video ffmpeg reads, chosen as the
 * models choose them (frame differences D_i at the decoded size, a threshold, a fixed count),
 * written for a person to check: each key frame as a PNG, differences.csv (one row per pair of
 * consecutive frames: i, t of frame i+1, D_i, whether frame i+1 is a key frame) and
 * differences.png (D_i over time with the threshold and the key frames marked).
 */
export function keyframesCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'keyframes <video>',
    'Choose the key frames of a video by frame difference and write them as PNGs, with the differences as CSV and a plot',
    (y) =>
      y
        .positional('video', {
          type: 'string',
          demandOption: true,
          describe: 'A video file ffmpeg reads (mp4, avi, mkv, ...)',
        })
        .option('out', {
          type: 'string',
          demandOption: true,
          describe:
            'Folder for the PNGs, differences.csv and differences.png (created; files of these names are replaced)',
        })
        .option('size', {
          type: 'number',
          default: 112,
          describe: 'Frames are decoded at size x size pixels before differencing',
        })
        .option('fit', {
          choices: ['crop', 'pad'] as const,
          default: 'crop' as const,
          describe: 'Keep the aspect ratio by a centre crop or by black bars',
        })
        .option('threshold', {
          choices: ['adaptive', 'fixed', 'top'] as const,
          default: 'adaptive' as const,
          describe: 'adaptive: D_i > mean + k std of this clip; fixed: D_i > --value; top: the --count largest D_i',
        })
        .option('k', { type: 'number', default: 0.5, describe: 'k of the adaptive threshold' })
        .option('value', { type: 'number', describe: 'T of the fixed threshold, RMS grey levels (0-255)' })
        .option('count', { type: 'number', default: 8, describe: 'Key frames to choose' })
        .option('fill', {
          choices: ['sample', 'pad'] as const,
          default: 'sample' as const,
          describe: 'When fewer frames pass the threshold: add evenly spaced frames (sample) or repeat the last (pad)',
        })
        .example('$0 keyframes clip.mp4 --out keys', 'Eight key frames of clip.mp4 at 112 x 112, adaptive threshold')
        .example(
          '$0 keyframes clip.mp4 --out keys --threshold fixed --value 12 --count 4',
          'Frames whose change exceeds 12 grey levels RMS',
        ),
    async (args) => {
      const size = args.size;
      if (!Number.isInteger(size) || size < 8 || size > 4096)
        throw new UserError(`--size must be a whole number of pixels from 8 to 4096, got ${size}`);
      if (!Number.isInteger(args.count) || args.count < 1)
        throw new UserError(`--count must be a whole number >= 1, got ${args.count}`);
      const threshold = thresholdFrom(args.threshold, args.k, args.value, args.count);
      const video = resolve(args.video);
      const out = resolve(args.out);
      const ffmpeg = await locateFfmpeg();
      // One ffmpeg run decodes the clip and times its frames (decodeClip); the bar's total is the header's estimate until then.
      const progress = startProgress({ label: 'decoding', total: 0, unit: 'frames' });
      let total = 0;
      const grow = (to: number) => {
        total = to;
        progress.setTotal(to);
      };
      let clip: DecodedClip;
      const differencing = new FrameDifferenceStream();
      try {
        clip = await decodeClip(ffmpeg.path, video, {
          size,
          fit: args.fit,
          onFrame: (decoded, expected, frame) => {
            differencing.push(frame.frame);
            const wanted = Math.max(decoded, expected ?? decoded);
            if (wanted !== total) grow(wanted);
            progress.tick();
          },
        });
        grow(clip.indices.length);
      } finally {
        progress.stop();
      }
      const { probe } = clip;
      process.stdout.write(
        `${video}: ${probe.width}x${probe.height} ${probe.codec}, ${probe.frameCount} frames, ${round(probe.fps, 3)} fps, ${round(probe.duration, 3)} s\n`,
      );
      if (probe.frameCount < 2)
        throw new UserError(`video ${video} has ${probe.frameCount} frame; key frames need at least 2`);

      // selectKeyFrames computes D_i as frameDifferences does and returns it: the values that made the choice.
      const selection = selectKeyFrames(
        clip.frames,
        { threshold, count: args.count, fill: args.fill },
        differencing.differences(),
      );
      const chosen = [...new Set(selection.indices)];
      process.stdout.write(
        `key frames (${describeThreshold(threshold, selection.threshold)}): ${selection.indices.join(', ')}\n`,
      );

      const written: string[] = [];
      for (const index of chosen) {
        const path = join(out, frameFileName(index));
        await writeFileAtomic(path, await framePng(clip.frames, clip.indices.indexOf(index)));
        written.push(path);
      }
      const csv = join(out, 'differences.csv');
      await writeFileAtomic(csv, differencesCsv(clip.timestamps, selection.differences, new Set(chosen)));
      written.push(csv);
      const plot = join(out, 'differences.png');
      await writeFileAtomic(
        plot,
        await renderKeyFramePlot(clip, selection, {
          title: basename(video),
          threshold: describeThreshold(threshold, selection.threshold),
        }),
      );
      written.push(plot);
      const stale = await removeStaleFrames(out, new Set(chosen.map(frameFileName)));
      process.stdout.write(
        `${written.map((p) => `wrote ${p}`).join('\n')}\n${stale > 0 ? `removed ${stale} key-frame PNG(s) of an earlier run from ${out}\n` : ''}`,
      );
    },
  );
}

function thresholdFrom(
  kind: 'adaptive' | 'fixed' | 'top',
  k: number,
  value: number | undefined,
  count: number,
): KeyFrameThreshold {
  if (kind === 'fixed') {
    if (value === undefined || !Number.isFinite(value))
      throw new UserError(
        '--threshold fixed needs --value, the threshold T in RMS grey levels (0-255)',
        'e.g. --threshold fixed --value 12',
      );
    return { kind, value };
  }
  if (kind === 'top') return { kind, count };
  if (!Number.isFinite(k)) throw new UserError(`--k must be a number, got ${k}`);
  return { kind, k };
}

function describeThreshold(threshold: KeyFrameThreshold, applied: number): string {
  const t = Number.isFinite(applied) ? round(applied, 3) : 'none';
  if (threshold.kind === 'adaptive') return `adaptive threshold T = mean + ${threshold.k} std = ${t}`;
  if (threshold.kind === 'fixed') return `fixed threshold T = ${t}`;
  return `the ${threshold.count} largest differences, smallest kept ${t}`;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** `frame-000123.png`: the frame's index in the video, zero-padded so names sort in time order. */
function frameFileName(index: number): string {
  return `frame-${String(index).padStart(6, '0')}.png`;
}
const FRAME_FILE = /^frame-\d{6}\.png$/;

/** Key-frame PNGs of an earlier run in `out` that this run did not choose (they would mislead). */
async function removeStaleFrames(out: string, keep: Set<string>): Promise<number> {
  const stale = (await readdir(out)).filter((name) => FRAME_FILE.test(name) && !keep.has(name));
  for (const name of stale) await rm(join(out, name), { force: true });
  return stale.length;
}

/** Row i compares frames i and i+1; t is frame i+1's time; chosen: frame i+1 is a key frame. */
function differencesCsv(t: Float64Array, differences: Float32Array, chosen: Set<number>): string {
  const rows = ['i,t,D_i,chosen'];
  for (let i = 0; i < differences.length; i++) {
    rows.push(
      `${i},${(t[i + 1] as number).toFixed(6)},${(differences[i] as number).toFixed(4)},${chosen.has(i + 1) ? 1 : 0}`,
    );
  }
  return `${rows.join('\n')}\n`;
}
