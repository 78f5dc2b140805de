import { canvasFont } from '../report/canvas-text.ts';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { selectBackend, type BackendPreference } from '../backend/select-backend.ts';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import { COCO17_KEYPOINTS, COCO17_LIMBS, estimateVideoPoses, loadMoveNetPose, type MoveNetPose, type VideoPose } from '../pose/movenet-pose.ts';
import { decodeVideoFrames, evenlySpacedIndices } from '../video/decode-video.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { probeVideo, type VideoProbe } from '../video/probe-video.ts';

/**
 * `motionfuse pose VIDEO --out DIR`: one person's 2D pose in every (or every n-th) frame of any
 * video ffmpeg reads, with MoveNet Lightning (shipped in node_modules), written for use and for a
 * person to check: pose.csv (a row per frame: frame, t, then x, y, score per COCO-17 keypoint, in
 * the video's pixels), pose.json (the same with the joint names and limbs), and pose-preview.png
 * (a few evenly spaced frames with the skeleton drawn, points coloured by score). Prints the
 * per-frame mean keypoint score and the speed.
 */
export function poseCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'pose <video>',
    'Estimate 2D body pose (COCO-17 keypoints, MoveNet Lightning) in a video; write pose.csv, pose.json and an overlay preview',
    (y) => y
      .positional('video', { type: 'string', demandOption: true, describe: 'A video file ffmpeg reads (mp4, avi, mkv, ...)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Folder for pose.csv, pose.json and pose-preview.png (created; files of these names are replaced)' })
      .option('every', { type: 'number', default: 1, describe: 'Estimate every n-th frame (frames 0, n, 2n, ...)' })
      .option('preview', { type: 'number', default: 6, describe: 'Frames shown in pose-preview.png, evenly spaced over those estimated' })
      .example('$0 pose clip.mp4 --out pose', 'The pose in every frame of clip.mp4')
      .example('$0 pose long.mp4 --out pose --every 5', 'Every fifth frame'),
    async (args) => {
      if (!Number.isInteger(args.every) || args.every < 1) throw new UserError(`--every must be a whole number of frames >= 1, got ${args.every}`);
      if (!Number.isInteger(args.preview) || args.preview < 1 || args.preview > 24) throw new UserError(`--preview must be a whole number of frames from 1 to 24, got ${args.preview}`);
      const video = resolve(args.video);
      const out = resolve(args.out);
      await checkOutFolder(out);
      const ffmpeg = await locateFfmpeg();
      const probe = await probeVideo(ffmpeg.path, video);
      process.stdout.write(`${video}: ${probe.width}x${probe.height} ${probe.codec}, ${probe.frameCount} frames, ${round(probe.fps, 3)} fps, ${round(probe.duration, 3)} s\n`);
      // Options and the file are checked before the backend and the model load.
      const backend = await selectBackend(args['backend'] as BackendPreference | undefined);
      const estimator = await loadMoveNetPose();
      const poses: VideoPose[] = [];
      let modelSeconds = 0;
      const started = performance.now();
      const total = Math.ceil(probe.frameCount / args.every);
      const progress = startProgress({ label: 'pose', total, unit: 'frames' });
      try {
        const timed: MoveNetPose = {
          ...estimator,
          estimate: (frame, width, height) => {
            const t0 = performance.now();
            const pose = estimator.estimate(frame, width, height);
            modelSeconds += (performance.now() - t0) / 1000;
            return pose;
          },
        };
        for await (const pose of estimateVideoPoses(timed, ffmpeg.path, video, { probe, frames: { every: args.every } })) {
          poses.push(pose);
          progress.tick();
        }
      } finally {
        progress.stop();
        estimator.dispose();
      }
      const seconds = (performance.now() - started) / 1000;

      const written: string[] = [];
      const csv = join(out, 'pose.csv');
      await writeFileAtomic(csv, poseCsv(poses));
      written.push(csv);
      const json = join(out, 'pose.json');
      await writeJsonAtomic(json, poseJson(video, probe, estimator.model, args.every, poses));
      written.push(json);
      const png = join(out, 'pose-preview.png');
      await writeFileAtomic(png, await posePreview(ffmpeg.path, video, probe, poses, args.preview));
      written.push(png);

      const means = poses.map(meanScore);
      const above = means.filter((m) => m > MIN_SCORE).length;
      process.stdout.write([
        `mean keypoint score per frame: mean ${fixed(average(means), 3)}, min ${fixed(Math.min(...means), 3)}, max ${fixed(Math.max(...means), 3)}; ` +
          `above ${MIN_SCORE} in ${above} of ${poses.length} frames (${fixed((100 * above) / Math.max(1, poses.length), 1)}%)`,
        `${poses.length} frames in ${fixed(seconds, 2)} s: ${fixed(poses.length / seconds, 1)} frames/s with decoding, ${fixed(poses.length / Math.max(modelSeconds, 1e-9), 1)} frames/s for the model alone (${estimator.model}, ${backend.candidate})`,
        ...written.map((p) => `wrote ${p}`),
      ].join('\n') + '\n');
    },
  );
}

/** Keypoints below this score are treated as misses: faded in the preview, and the summary's threshold. */
const MIN_SCORE = 0.3;

async function checkOutFolder(out: string): Promise<void> {
  try {
    if (!(await stat(out)).isDirectory()) throw new UserError(`--out ${out} is a file, not a folder`, 'Name a folder (it is created if absent).');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const average = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const meanScore = (pose: VideoPose) => average(Array.from(pose.scores));

/** frame, t, then x, y, score of each keypoint; pixels to 0.01, scores to 1e-4. */
function poseCsv(poses: readonly VideoPose[]): string {
  const header = ['frame', 't', ...COCO17_KEYPOINTS.flatMap((k) => [`${k}_x`, `${k}_y`, `${k}_score`])];
  const rows = [header.join(',')];
  for (const p of poses) {
    const cells = [String(p.index), p.t.toFixed(6)];
    for (let j = 0; j < COCO17_KEYPOINTS.length; j++) {
      cells.push((p.keypoints[2 * j] as number).toFixed(2), (p.keypoints[2 * j + 1] as number).toFixed(2), (p.scores[j] as number).toFixed(4));
    }
    rows.push(cells.join(','));
  }
  return `${rows.join('\n')}\n`;
}

function poseJson(video: string, probe: VideoProbe, model: string, every: number, poses: readonly VideoPose[]) {
  return {
    video,
    model,
    width: probe.width,
    height: probe.height,
    fps: probe.fps,
    frameCount: probe.frameCount,
    every,
    units: 'px',
    joints: [...COCO17_KEYPOINTS],
    limbs: COCO17_LIMBS.map(([a, b]) => [a, b]),
    frames: poses.map((p) => ({
      frame: p.index,
      t: round(p.t, 6),
      meanScore: round(meanScore(p), 4),
      keypoints: COCO17_KEYPOINTS.map((_, j) => [round(p.keypoints[2 * j] as number, 2), round(p.keypoints[2 * j + 1] as number, 2), round(p.scores[j] as number, 4)]),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The overlay preview

const font = canvasFont;

const SHEET = { cellWidth: 480, columns: 3, margin: 8, gap: 8, title: 46, caption: 20 } as const;
/** Limbs by side: odd COCO-17 indices are the person's left, even (but the nose) the right. */
const SIDE_COLOURS = { left: '#00e5ff', right: '#ff5722', middle: '#ffeb3b' } as const;
const side = (j: number): keyof typeof SIDE_COLOURS => (j === 0 ? 'middle' : j % 2 === 1 ? 'left' : 'right');
/** Score 0 red, 0.5 yellow, 1 green. */
const scoreColour = (score: number) => `hsl(${Math.round(120 * Math.min(1, Math.max(0, score)))}, 90%, 48%)`;

/**
 * A contact sheet of `count` frames evenly spaced over those estimated, decoded again at a
 * preview size (the video's aspect ratio kept), with each frame's skeleton drawn over it.
 */
async function posePreview(ffmpeg: string, video: string, probe: VideoProbe, poses: readonly VideoPose[], count: number): Promise<Buffer> {
  const picked = [...new Set(evenlySpacedIndices(poses.length, Math.min(count, poses.length)))].map((k) => poses[k] as VideoPose);
  const cellWidth = Math.min(probe.width, SHEET.cellWidth);
  const cellHeight = Math.max(1, Math.round((probe.height * cellWidth) / probe.width));
  const columns = Math.min(SHEET.columns, Math.max(1, picked.length));
  const rows = Math.ceil(picked.length / columns);
  const width = SHEET.margin * 2 + columns * cellWidth + (columns - 1) * SHEET.gap;
  const height = SHEET.title + SHEET.margin + rows * (cellHeight + SHEET.caption) + (rows - 1) * SHEET.gap + SHEET.margin;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#222222';
  ctx.font = font(15, true);
  ctx.fillText(`${basename(video)}: MoveNet Lightning pose, ${picked.length} of ${poses.length} estimated frames`, SHEET.margin, 20, width - 2 * SHEET.margin);
  ctx.font = font(12);
  ctx.fillText(`points coloured by score (red 0, yellow 0.5, green 1), faded below ${MIN_SCORE}; limbs: cyan left, orange right`, SHEET.margin, 38, width - 2 * SHEET.margin);

  const image = ctx.createImageData(cellWidth, cellHeight);
  let k = 0;
  const frames = decodeVideoFrames(ffmpeg, video, { probe, size: { width: cellWidth, height: cellHeight }, fit: 'crop', frames: { indices: picked.map((p) => p.index) } });
  for await (const f of frames) {
    const pose = picked[k] as VideoPose;
    const x = SHEET.margin + (k % columns) * (cellWidth + SHEET.gap);
    const y = SHEET.title + SHEET.margin + Math.floor(k / columns) * (cellHeight + SHEET.caption + SHEET.gap);
    for (let p = 0; p < cellWidth * cellHeight; p++) {
      image.data[4 * p] = f.frame[3 * p] as number;
      image.data[4 * p + 1] = f.frame[3 * p + 1] as number;
      image.data[4 * p + 2] = f.frame[3 * p + 2] as number;
      image.data[4 * p + 3] = 255;
    }
    ctx.putImageData(image, x, y);
    drawSkeleton(ctx, pose, { x, y, width: cellWidth, height: cellHeight, sx: cellWidth / probe.width, sy: cellHeight / probe.height });
    ctx.fillStyle = '#222222';
    ctx.font = font(12);
    ctx.fillText(`frame ${pose.index}   t ${pose.t.toFixed(3)} s   mean score ${meanScore(pose).toFixed(2)}`, x, y + cellHeight + 15, cellWidth);
    k++;
  }
  return canvas.encode('png');
}

function drawSkeleton(ctx: SKRSContext2D, pose: VideoPose, cell: { x: number; y: number; width: number; height: number; sx: number; sy: number }): void {
  const at = (j: number): [number, number] => [cell.x + (pose.keypoints[2 * j] as number) * cell.sx, cell.y + (pose.keypoints[2 * j + 1] as number) * cell.sy];
  const score = (j: number) => pose.scores[j] as number;
  const unit = Math.max(1.5, cell.width / 160);
  ctx.save();
  ctx.beginPath();
  ctx.rect(cell.x, cell.y, cell.width, cell.height);
  ctx.clip();
  ctx.lineCap = 'round';
  for (const [a, b] of COCO17_LIMBS) {
    const sure = Math.min(score(a), score(b)) >= MIN_SCORE;
    const [xa, ya] = at(a);
    const [xb, yb] = at(b);
    ctx.globalAlpha = sure ? 0.95 : 0.3;
    ctx.strokeStyle = SIDE_COLOURS[side(a) === side(b) ? side(a) : 'middle'];
    ctx.lineWidth = sure ? unit * 1.5 : unit;
    ctx.setLineDash(sure ? [] : [unit * 2, unit * 2]);
    ctx.beginPath();
    ctx.moveTo(xa, ya);
    ctx.lineTo(xb, yb);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  for (let j = 0; j < COCO17_KEYPOINTS.length; j++) {
    const sure = score(j) >= MIN_SCORE;
    const [x, y] = at(j);
    ctx.globalAlpha = sure ? 1 : 0.35;
    ctx.fillStyle = scoreColour(score(j));
    ctx.strokeStyle = '#000000';
    ctx.beginPath();
    ctx.arc(x, y, sure ? unit * 2 : unit * 1.4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}
