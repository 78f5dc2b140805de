import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNTHETIC_DEFAULTS, subjectId, takeId, type SyntheticOptions } from '../src/data/synthetic/synthetic-take.ts';
import { startTakePool } from '../src/data/synthetic/take-pool.ts';
import { syntheticTakeJobs } from '../src/data/synthetic/take-jobs.ts';
import { locateFfmpeg } from '../src/video/ffmpeg-binary.ts';

export interface SyntheticBenchResult {
  impl: string;
  takes: number;
  workers: number;
  cores: number;
  /** 'memory': Samples handed back; 'disk': written in the recording layout (FFV1 video, XDF). */
  mode: 'memory' | 'disk';
  seconds: number;
  takes_per_s: number;
  /** Wall time / takes x workers: the cost of one take on one core. */
  core_ms_per_take: number;
  options: Pick<SyntheticOptions, 'subjects' | 'clipsPerClass' | 'duration' | 'fps' | 'size' | 'imuRate'>;
}

/**
 * Times generating the default synthetic data set (12 subjects x 10 actions x 10 takes of 2 s:
 * video, pose and three IMUs each), pool start-up included, as a user would wait for it.
 */
export async function benchSynthetic(args: {
  workers: number;
  subjects: number;
  clips: number;
  disk: boolean;
}): Promise<SyntheticBenchResult> {
  const options: SyntheticOptions = { ...SYNTHETIC_DEFAULTS, subjects: args.subjects, clipsPerClass: args.clips };
  const jobs = syntheticTakeJobs(options);
  const out = args.disk ? await mkdtemp(join(tmpdir(), 'motionfuse-bench-synthetic-')) : '';
  const ffmpeg = args.disk ? (await locateFfmpeg()).path : undefined;
  const start = performance.now();
  const pool = startTakePool(options, { workers: args.workers, ...(ffmpeg === undefined ? {} : { ffmpeg }) });
  try {
    await Promise.all(
      jobs.map(async (job) => {
        if (args.disk) {
          await pool.record(
            job,
            join(out, subjectId(job.subjectIndex), takeId(subjectId(job.subjectIndex), job.action, job.take)),
          );
        } else if ((await pool.generate(job)).streams.length === 0) {
          throw new Error(`take ${job.action} of subject ${job.subjectIndex + 1} came back without streams`);
        }
      }),
    );
  } finally {
    await pool.close();
    if (out !== '') await rm(out, { recursive: true, force: true });
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    impl: `motionfuse synthetic, ${args.workers} worker${args.workers === 1 ? '' : 's'}`,
    takes: jobs.length,
    workers: args.workers,
    cores: availableParallelism(),
    mode: args.disk ? 'disk' : 'memory',
    seconds: Number(seconds.toFixed(2)),
    takes_per_s: Number((jobs.length / seconds).toFixed(1)),
    core_ms_per_take: Number(((seconds * 1000 * Math.max(1, args.workers)) / jobs.length).toFixed(1)),
    options: {
      subjects: options.subjects,
      clipsPerClass: options.clipsPerClass,
      duration: options.duration,
      fps: options.fps,
      size: options.size,
      imuRate: options.imuRate,
    },
  };
}
