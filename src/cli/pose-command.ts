import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { selectBackend } from '../backend/select-backend.ts';
import { type BackendPreference } from '../backend/backend-preference.ts';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { COCO17_JOINTS, JOINT_SETS } from '../core/joint-sets.ts';
import { startProgress } from '../core/progress.ts';
import { estimateVideoPoses, loadMoveNetPose, type MoveNetPose, type VideoPose } from '../pose/movenet-pose.ts';
import { renderPosePreview } from '../report/pose-preview.ts';
import { MIN_KEYPOINT_SCORE } from '../report/skeleton-overlay.ts';
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
          describe: 'Folder for pose.csv, pose.json and pose-preview.png (created; files of these names are replaced)',
        })
        .option('every', { type: 'number', default: 1, describe: 'Estimate every n-th frame (frames 0, n, 2n, ...)' })
        .option('preview', {
          type: 'number',
          default: 6,
          describe: 'Frames shown in pose-preview.png, evenly spaced over those estimated',
        })
        .example('$0 pose clip.mp4 --out pose', 'The pose in every frame of clip.mp4')
        .example('$0 pose long.mp4 --out pose --every 5', 'Every fifth frame'),
    async (args) => {
      if (!Number.isInteger(args.every) || args.every < 1)
        throw new UserError(`--every must be a whole number of frames >= 1, got ${args.every}`);
      if (!Number.isInteger(args.preview) || args.preview < 1 || args.preview > 24)
        throw new UserError(`--preview must be a whole number of frames from 1 to 24, got ${args.preview}`);
      const video = resolve(args.video);
      const out = resolve(args.out);
      await checkOutFolder(out);
      const ffmpeg = await locateFfmpeg();
      const probe = await probeVideo(ffmpeg.path, video);
      process.stdout.write(
        `${video}: ${probe.width}x${probe.height} ${probe.codec}, ${probe.frameCount} frames, ${round(probe.fps, 3)} fps, ${round(probe.duration, 3)} s\n`,
      );
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
        for await (const pose of estimateVideoPoses(timed, ffmpeg.path, video, {
          probe,
          frames: { every: args.every },
        })) {
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
      await writeFileAtomic(png, await renderPosePreview(ffmpeg.path, video, probe, poses, args.preview));
      written.push(png);

      const means = poses.map(meanScore);
      // The score the preview fades keypoints below.
      const above = means.filter((m) => m > MIN_KEYPOINT_SCORE).length;
      process.stdout.write(
        [
          `mean keypoint score per frame: mean ${fixed(average(means), 3)}, min ${fixed(Math.min(...means), 3)}, max ${fixed(Math.max(...means), 3)}; ` +
            `above ${MIN_KEYPOINT_SCORE} in ${above} of ${poses.length} frames (${fixed((100 * above) / Math.max(1, poses.length), 1)}%)`,
          `${poses.length} frames in ${fixed(seconds, 2)} s: ${fixed(poses.length / seconds, 1)} frames/s with decoding, ${fixed(poses.length / Math.max(modelSeconds, 1e-9), 1)} frames/s for the model alone (${estimator.model}, ${backend.candidate})`,
          ...written.map((p) => `wrote ${p}`),
        ].join('\n') + '\n',
      );
    },
  );
}

async function checkOutFolder(out: string): Promise<void> {
  try {
    if (!(await stat(out)).isDirectory())
      throw new UserError(`--out ${out} is a file, not a folder`, 'Name a folder (it is created if absent).');
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
  const header = ['frame', 't', ...COCO17_JOINTS.flatMap((k) => [`${k}_x`, `${k}_y`, `${k}_score`])];
  const rows = [header.join(',')];
  for (const p of poses) {
    const cells = [String(p.index), p.t.toFixed(6)];
    for (let j = 0; j < COCO17_JOINTS.length; j++) {
      cells.push(
        (p.keypoints[2 * j] as number).toFixed(2),
        (p.keypoints[2 * j + 1] as number).toFixed(2),
        (p.scores[j] as number).toFixed(4),
      );
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
    joints: [...COCO17_JOINTS],
    limbs: JOINT_SETS.coco17.bones.map(([a, b]) => [a, b]),
    frames: poses.map((p) => ({
      frame: p.index,
      t: round(p.t, 6),
      meanScore: round(meanScore(p), 4),
      keypoints: COCO17_JOINTS.map((_, j) => [
        round(p.keypoints[2 * j] as number, 2),
        round(p.keypoints[2 * j + 1] as number, 2),
        round(p.scores[j] as number, 4),
      ]),
    })),
  };
}
