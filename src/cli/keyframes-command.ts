import { canvasFont, niceTicks, tickDecimals } from '../report/canvas-text.ts';
import { readdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import { decodeClip, type DecodedClip } from '../video/decode-video.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { FrameDifferenceStream, selectKeyFrames, type KeyFrameSelection, type KeyFrameThreshold } from '../video/keyframes.ts';

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
    (y) => y
      .positional('video', { type: 'string', demandOption: true, describe: 'A video file ffmpeg reads (mp4, avi, mkv, ...)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Folder for the PNGs, differences.csv and differences.png (created; files of these names are replaced)' })
      .option('size', { type: 'number', default: 112, describe: 'Frames are decoded at size x size pixels before differencing' })
      .option('fit', { choices: ['crop', 'pad'] as const, default: 'crop' as const, describe: 'Keep the aspect ratio by a centre crop or by black bars' })
      .option('threshold', { choices: ['adaptive', 'fixed', 'top'] as const, default: 'adaptive' as const, describe: 'adaptive: D_i > mean + k std of this clip; fixed: D_i > --value; top: the --count largest D_i' })
      .option('k', { type: 'number', default: 0.5, describe: 'k of the adaptive threshold' })
      .option('value', { type: 'number', describe: 'T of the fixed threshold, RMS grey levels (0-255)' })
      .option('count', { type: 'number', default: 8, describe: 'Key frames to choose' })
      .option('fill', { choices: ['sample', 'pad'] as const, default: 'sample' as const, describe: 'When fewer frames pass the threshold: add evenly spaced frames (sample) or repeat the last (pad)' })
      .example('$0 keyframes clip.mp4 --out keys', 'Eight key frames of clip.mp4 at 112 x 112, adaptive threshold')
      .example('$0 keyframes clip.mp4 --out keys --threshold fixed --value 12 --count 4', 'Frames whose change exceeds 12 grey levels RMS'),
    async (args) => {
      const size = args.size;
      if (!Number.isInteger(size) || size < 8 || size > 4096) throw new UserError(`--size must be a whole number of pixels from 8 to 4096, got ${size}`);
      if (!Number.isInteger(args.count) || args.count < 1) throw new UserError(`--count must be a whole number >= 1, got ${args.count}`);
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
          size, fit: args.fit,
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
      process.stdout.write(`${video}: ${probe.width}x${probe.height} ${probe.codec}, ${probe.frameCount} frames, ${round(probe.fps, 3)} fps, ${round(probe.duration, 3)} s\n`);
      if (probe.frameCount < 2) throw new UserError(`video ${video} has ${probe.frameCount} frame; key frames need at least 2`);

      // selectKeyFrames computes D_i as frameDifferences does and returns it: the values that made the choice.
      const selection = selectKeyFrames(clip.frames, { threshold, count: args.count, fill: args.fill }, differencing.differences());
      const differences = selection.differences;
      const chosen = [...new Set(selection.indices)];
      process.stdout.write(`key frames (${describeThreshold(threshold, selection.threshold)}): ${selection.indices.join(', ')}\n`);

      const written: string[] = [];
      for (const index of chosen) {
        const path = join(out, frameFileName(index));
        await writeFileAtomic(path, await framePng(clip, index));
        written.push(path);
      }
      const csv = join(out, 'differences.csv');
      await writeFileAtomic(csv, differencesCsv(clip.timestamps, differences, new Set(chosen)));
      written.push(csv);
      const plot = join(out, 'differences.png');
      await writeFileAtomic(plot, await differencesPlot(clip, differences, selection, { title: basename(video), threshold: describeThreshold(threshold, selection.threshold) }));
      written.push(plot);
      const stale = await removeStaleFrames(out, new Set(chosen.map(frameFileName)));
      process.stdout.write(`${written.map((p) => `wrote ${p}`).join('\n')}\n${stale > 0 ? `removed ${stale} key-frame PNG(s) of an earlier run from ${out}\n` : ''}`);
    },
  );
}

function thresholdFrom(kind: 'adaptive' | 'fixed' | 'top', k: number, value: number | undefined, count: number): KeyFrameThreshold {
  if (kind === 'fixed') {
    if (value === undefined || !Number.isFinite(value)) throw new UserError('--threshold fixed needs --value, the threshold T in RMS grey levels (0-255)', 'e.g. --threshold fixed --value 12');
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
    rows.push(`${i},${(t[i + 1] as number).toFixed(6)},${(differences[i] as number).toFixed(4)},${chosen.has(i + 1) ? 1 : 0}`);
  }
  return `${rows.join('\n')}\n`;
}

async function framePng(clip: DecodedClip, index: number): Promise<Buffer> {
  const { width, height, frames } = clip.frames;
  const j = clip.indices.indexOf(index);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  const base = j * width * height * 3;
  for (let p = 0; p < width * height; p++) {
    image.data[4 * p] = frames[base + 3 * p] as number;
    image.data[4 * p + 1] = frames[base + 3 * p + 1] as number;
    image.data[4 * p + 2] = frames[base + 3 * p + 2] as number;
    image.data[4 * p + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas.encode('png');
}

// ---------------------------------------------------------------------------------------------
// The plot of D_i

const font = canvasFont;

const COLOURS = { text: '#222222', grid: '#e6e6e6', d: '#1f77b4', threshold: '#d62728', key: '#ff7f0e' } as const;
const PLOT = { width: 1100, height: 460, left: 72, right: 24, top: 64, bottom: 56 } as const;

/** D_i against the time of frame i+1, the threshold as a dashed line, the key frames as orange marks. */
async function differencesPlot(clip: DecodedClip, differences: Float32Array, selection: KeyFrameSelection, labels: { title: string; threshold: string }): Promise<Buffer> {
  const canvas = createCanvas(PLOT.width, PLOT.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, PLOT.width, PLOT.height);
  const area = { x: PLOT.left, y: PLOT.top, width: PLOT.width - PLOT.left - PLOT.right, height: PLOT.height - PLOT.top - PLOT.bottom };
  const t = clip.timestamps;
  const t0 = t[0] as number;
  const t1 = Math.max(t[t.length - 1] as number, t0 + 1e-3);
  let top = Number.isFinite(selection.threshold) ? selection.threshold : 0;
  for (const d of differences) top = Math.max(top, d);
  const yTicks = niceTicks(0, top > 0 ? top * 1.05 : 1);
  const tTicks = niceTicks(t0, t1, 10).filter((v) => v >= t0 - 1e-9 && v <= t1 + 1e-9);
  const yMax = yTicks[yTicks.length - 1] as number;
  const toX = (v: number) => area.x + ((v - t0) / (t1 - t0)) * area.width;
  const toY = (v: number) => area.y + area.height - (v / yMax) * area.height;

  ctx.fillStyle = COLOURS.text;
  ctx.font = font(15, true);
  ctx.fillText(`${labels.title}: frame differences at ${clip.frames.width}x${clip.frames.height} (${t.length} frames)`, 12, 22, PLOT.width - 24);
  ctx.font = font(12);
  ctx.fillText(`${labels.threshold}; key frames: ${selection.indices.join(', ')}`, 12, 42, PLOT.width - 24);

  // Grid, frame, ticks.
  ctx.lineWidth = 1;
  ctx.strokeStyle = COLOURS.grid;
  for (const v of yTicks) line(ctx, area.x, Math.round(toY(v)) + 0.5, area.x + area.width, Math.round(toY(v)) + 0.5);
  for (const v of tTicks) line(ctx, Math.round(toX(v)) + 0.5, area.y, Math.round(toX(v)) + 0.5, area.y + area.height);
  ctx.strokeStyle = COLOURS.text;
  ctx.strokeRect(area.x - 0.5, area.y - 0.5, area.width + 1, area.height + 1);
  ctx.save();
  ctx.fillStyle = COLOURS.text;
  ctx.font = font(11);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yDecimals = tickDecimals(yTicks);
  for (const v of yTicks) ctx.fillText(v.toFixed(yDecimals), area.x - 6, toY(v));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tDecimals = tickDecimals(tTicks);
  for (const v of tTicks) ctx.fillText(v.toFixed(tDecimals), toX(v), area.y + area.height + 6);
  ctx.font = font(12);
  ctx.fillText('time of frame i+1 (s)', area.x + area.width / 2, area.y + area.height + 26);
  ctx.translate(18, area.y + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('D_i: RMS change, grey levels', 0, 0);
  ctx.restore();

  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.width, area.height);
  ctx.clip();
  // Key frames: a vertical line at each one's time.
  ctx.strokeStyle = COLOURS.key;
  ctx.lineWidth = 1;
  for (const index of new Set(selection.indices)) {
    const x = Math.round(toX(t[clip.indices.indexOf(index)] as number)) + 0.5;
    line(ctx, x, area.y, x, area.y + area.height);
  }
  // D_i.
  ctx.strokeStyle = COLOURS.d;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  differences.forEach((d, i) => (i === 0 ? ctx.moveTo(toX(t[i + 1] as number), toY(d)) : ctx.lineTo(toX(t[i + 1] as number), toY(d))));
  ctx.stroke();
  // Threshold.
  if (Number.isFinite(selection.threshold)) {
    ctx.strokeStyle = COLOURS.threshold;
    ctx.setLineDash([7, 5]);
    line(ctx, area.x, toY(selection.threshold), area.x + area.width, toY(selection.threshold));
    ctx.setLineDash([]);
  }
  // Key frames on the curve (frame 0, which has no D, on the time axis).
  ctx.fillStyle = COLOURS.key;
  ctx.strokeStyle = '#000000';
  for (const index of new Set(selection.indices)) {
    const x = toX(t[clip.indices.indexOf(index)] as number);
    const y = index === 0 ? area.y + area.height - 5 : toY(differences[index - 1] as number);
    ctx.beginPath();
    ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
  drawLegend(ctx, area.x + area.width, area.y - 8);
  return canvas.encode('png');
}

function drawLegend(ctx: SKRSContext2D, right: number, baseline: number): void {
  ctx.font = font(12);
  let x = right;
  const entries: [string, (x: number) => void][] = [
    ['key frame', (at) => { ctx.fillStyle = COLOURS.key; ctx.strokeStyle = '#000000'; ctx.lineWidth = 1; ctx.beginPath(); ctx.arc(at + 8, baseline - 4, 4.5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke(); }],
    ['threshold T', (at) => { ctx.strokeStyle = COLOURS.threshold; ctx.lineWidth = 1.5; ctx.setLineDash([7, 5]); line(ctx, at, baseline - 4, at + 16, baseline - 4); ctx.setLineDash([]); }],
    ['D_i', (at) => { ctx.strokeStyle = COLOURS.d; ctx.lineWidth = 2; line(ctx, at, baseline - 4, at + 16, baseline - 4); }],
  ];
  for (const [label, mark] of entries) {
    x -= ctx.measureText(label).width;
    ctx.fillStyle = COLOURS.text;
    ctx.fillText(label, x, baseline);
    x -= 22;
    mark(x);
    x -= 14;
  }
}

function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

