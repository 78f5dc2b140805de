import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { ACTIONS, type Action } from '../data/synthetic/actions.ts';
import { checkSyntheticOptions } from '../data/synthetic/synthetic-dataset.ts';
import { exportSyntheticDataset } from '../data/synthetic/synthetic-export.ts';
import {
  SYNTHETIC_DEFAULTS,
  generateSubject,
  generateTake,
  type SyntheticOptions,
} from '../data/synthetic/synthetic-take.ts';
import { syntheticTakeJobs, takeJobId } from '../data/synthetic/take-jobs.ts';
import { defaultWorkerCount } from '../data/synthetic/take-pool.ts';
import { VIRTUAL_IMU_PLACEMENTS, type ImuSpec } from '../data/synthetic/virtual-imu.ts';
import { renderContactSheet } from '../report/contact-sheet.ts';
import { renderImuPlot } from '../report/imu-plot.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { PACKAGE } from './package-info.ts';

/** `motionfuse simulate`: the synthetic athletes data set written to disk, with an optional preview. */
export function simulateCommand<T>(cli: Argv<T>): Argv<T> {
  const d = SYNTHETIC_DEFAULTS;
  return cli.command(
    'simulate',
    'Generate the synthetic athletes data set (video, pose, IMUs, ground truth) into a folder in the recording layout',
    (y) =>
      y
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'Output folder (new, empty, or an interrupted run of the same settings, which resumes)',
        })
        .option('seed', {
          type: 'number',
          default: d.seed,
          describe: 'Random seed: the same seed and options give byte-identical files',
        })
        .option('subjects', { type: 'number', default: d.subjects, describe: 'Number of athletes (1-99)' })
        .option('clips', { type: 'number', default: d.clipsPerClass, describe: 'Takes per action and athlete' })
        .option('actions', {
          type: 'array',
          string: true,
          default: [...d.actions],
          describe: `Actions to perform (${ACTIONS.join(', ')})`,
        })
        .option('duration', { type: 'number', default: d.duration, describe: 'Take length, s' })
        .option('fps', { type: 'number', default: d.fps, describe: 'Video frame rate' })
        .option('size', { type: 'number', default: d.size, describe: 'Frame width and height, pixels' })
        .option('imu-rate', { type: 'number', default: d.imuRate, describe: 'IMU sample rate, Hz' })
        .option('placements', {
          type: 'array',
          string: true,
          default: [...d.placements],
          describe: `IMU placements (${VIRTUAL_IMU_PLACEMENTS.join(', ')})`,
        })
        .option('video', {
          type: 'boolean',
          default: d.video,
          describe: 'Render video (--no-video: pose and IMU only)',
        })
        .option('pose', { type: 'boolean', default: d.pose, describe: 'Write the COCO-17 pose stream' })
        .option('blur', { type: 'number', default: d.blur, describe: 'Share of takes with motion blur (0-1)' })
        .option('occlusion', {
          type: 'number',
          default: d.occlusion,
          describe: 'Share of takes with an occluder (0-1)',
        })
        .option('packet-loss', {
          type: 'number',
          default: d.packetLoss,
          describe: 'Probability that an IMU sample is lost (0-1)',
        })
        .option('sensor-outage', {
          type: 'number',
          default: d.sensorOutage,
          describe: 'Probability, per sensor and take, of a 0.3-1.2 s lost connection (0-1)',
        })
        .option('workers', {
          type: 'number',
          default: defaultWorkerCount(),
          describe: 'Worker threads (0: generate in the main thread)',
        })
        .option('preview', {
          type: 'boolean',
          default: false,
          describe: 'Also write a PNG contact sheet of frames and an IMU plot for one take to OUT/preview/',
        })
        .option('preview-take', {
          type: 'string',
          describe: 'Take to preview (default: the first jump, else the first take)',
        })
        .example(
          '$0 simulate --out datasets/synthetic/data --preview',
          'The default set: 12 athletes x 10 actions x 10 takes of 2 s',
        )
        .example(
          '$0 simulate --out /tmp/jumps --actions jump hop squat --subjects 4 --no-video',
          'Only the jump and its look-alikes, sensors and pose only',
        ),
    async (args) => {
      const options = checkSyntheticOptions({
        seed: args.seed,
        subjects: args.subjects,
        clipsPerClass: args.clips,
        actions: args.actions as Action[],
        duration: args.duration,
        fps: args.fps,
        size: args.size,
        imuRate: args['imu-rate'],
        placements: args.placements as ImuSpec['placement'][],
        video: args.video,
        pose: args.pose,
        blur: args.blur,
        occlusion: args.occlusion,
        packetLoss: args['packet-loss'],
        sensorOutage: args['sensor-outage'],
      });
      const previewId = args.preview ? choosePreviewTake(options, args['preview-take']) : undefined;
      const out = resolve(args.out);
      const ffmpeg = options.video ? await locateFfmpeg() : undefined;
      const summary = await exportSyntheticDataset(out, options, {
        workers: args.workers,
        ...(ffmpeg === undefined ? {} : { ffmpeg: { path: ffmpeg.path, version: ffmpeg.version } }),
        generator: { name: PACKAGE.name, version: PACKAGE.version, generator: 'synthetic athletes' },
      });
      const lines = [
        `wrote ${summary.written} takes${summary.resumed > 0 ? ` (${summary.resumed} were already there)` : ''} to ${out} in ${summary.seconds.toFixed(1)} s`,
        `manifest: ${join(out, 'manifest.json')}`,
      ];
      if (previewId !== undefined)
        lines.push(...(await writePreview(out, options, previewId)).map((p) => `preview: ${p}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}

/** The preview take: the one asked for (it must be in the set), else the first jump, else the first take. */
function choosePreviewTake(
  options: SyntheticOptions,
  asked: string | undefined,
): { subjectIndex: number; action: Action; take: number } {
  const all = syntheticTakeJobs(options).map((job) => ({ id: takeJobId(job), ...job }));
  if (asked === undefined) return all.find((x) => x.action === 'jump') ?? (all[0] as (typeof all)[number]);
  const found = all.find((x) => x.id === asked);
  if (found === undefined)
    throw new UserError(
      `--preview-take ${asked} is not in this data set`,
      `take ids look like ${(all[0] as (typeof all)[number]).id} (subject-action-tNN)`,
    );
  return found;
}

async function writePreview(
  out: string,
  options: SyntheticOptions,
  job: { subjectIndex: number; action: Action; take: number },
): Promise<string[]> {
  const sample = generateTake(options, generateSubject(options, job.subjectIndex), job.action, job.take);
  const written: string[] = [];
  if (options.video) {
    const path = join(out, 'preview', `${sample.id}-frames.png`);
    await writeFileAtomic(path, await renderContactSheet(sample));
    written.push(path);
  }
  const path = join(out, 'preview', `${sample.id}-imu.png`);
  await writeFileAtomic(path, await renderImuPlot(sample));
  written.push(path);
  return written;
}
